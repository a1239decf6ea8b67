import IPLD

/// An error from repository code: the MST, commits, CAR import/export, proofs.
///
/// Each case names the XRPC error it maps to when it reaches a client.
public enum RepoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A block the operation needed is not in the store (or the CAR).
    case missingBlock(CID)
    /// Bytes that are not a valid MST node, commit or record.
    case malformed(String)
    /// A key that is not a valid repo path (`collection/rkey`).
    case invalidKey(String)
    /// A commit whose signature does not verify.
    case badSignature(String)
    /// The tree or data structure breaks a rule (order, depth, layers).
    case invalidStructure(String)
    /// Underlying data (CBOR, CID, CAR) failed to decode.
    case data(IPLDError)

    /// The XRPC error name.
    public var xrpcError: String {
        switch self {
        case .missingBlock, .malformed, .invalidStructure, .data, .invalidKey: return "InvalidRequest"
        case .badSignature: return "InvalidRequest"
        }
    }

    public var description: String {
        switch self {
        case .missingBlock(let cid): return "missing block \(cid)"
        case .malformed(let m): return "malformed: \(m)"
        case .invalidKey(let k): return "invalid repo path \"\(k)\""
        case .badSignature(let m): return "bad commit signature: \(m)"
        case .invalidStructure(let m): return "invalid MST structure: \(m)"
        case .data(let e): return e.description
        }
    }
}
