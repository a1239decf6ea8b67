import ATCrypto
import IPLD

/// A signed v3 repo commit: `{did, version: 3, data, rev, prev: null, sig}`.
///
/// The signature covers the DAG-CBOR of the commit without `sig`, made with the account's
/// k256 or p256 key (SHA-256, compact low-S).
public struct Commit: Sendable, Hashable {
    /// The repo format version this code writes and accepts.
    public static let version: Int64 = 3

    public let did: String
    /// Root of the MST.
    public let data: CID
    /// A TID, increasing with every commit of the repo.
    public let rev: String
    /// Always null in v3 commits; kept for reading older ones.
    public let prev: CID?
    public let sig: [UInt8]

    public init(did: String, data: CID, rev: String, prev: CID? = nil, sig: [UInt8]) {
        self.did = did
        self.data = data
        self.rev = rev
        self.prev = prev
        self.sig = sig
    }

    /// The unsigned commit as a data-model value.
    public var unsignedValue: DataValue {
        .map(DataMap([("did", .string(did)), ("version", .int(Commit.version)), ("data", .link(data)),
                      ("rev", .string(rev)), ("prev", prev.map { .link($0) } ?? .null)]))
    }

    /// The signed commit as a data-model value.
    public var value: DataValue {
        guard case .map(var m) = unsignedValue else { return .null }
        m["sig"] = .bytes(sig)
        return .map(m)
    }

    /// The block bytes of the signed commit.
    public var bytes: [UInt8] { DAGCBOR.encode(value) }

    /// The CID of the signed commit block.
    public var cid: CID { CID.compute(.dagCBOR, of: bytes) }

    /// Signs a new commit.
    public static func sign(did: String, data: CID, rev: String, key: any SigningKey) throws(RepoError) -> Commit {
        let unsigned = Commit(did: did, data: data, rev: rev, sig: [])
        do {
            let sig = try key.sign(DAGCBOR.encode(unsigned.unsignedValue))
            return Commit(did: did, data: data, rev: rev, sig: sig)
        } catch {
            throw .badSignature("signing failed: \(error)")
        }
    }

    /// True when the signature verifies against `key`.
    public func verify(with key: any PublicKey) -> Bool {
        key.verify(signature: sig, for: DAGCBOR.encode(unsignedValue))
    }

    /// Decodes a commit block, refusing anything that is not a v3 (or v2) commit.
    public static func decode(_ bytes: [UInt8]) throws(RepoError) -> Commit {
        let value: DataValue
        do { value = try DAGCBOR.decode(bytes) } catch { throw .data(error) }
        guard case .map(let m) = value else { throw .malformed("commit is not a map") }
        guard case .string(let did)? = m["did"] else { throw .malformed("commit has no did") }
        guard case .int(let version)? = m["version"], version == 3 || version == 2 else {
            throw .malformed("commit version must be 3")
        }
        guard case .link(let data)? = m["data"] else { throw .malformed("commit has no data link") }
        guard case .bytes(let sig)? = m["sig"] else { throw .malformed("commit has no sig") }
        let rev: String
        switch m["rev"] {
        case .string(let r)?: rev = r
        case nil where version == 2: rev = ""
        default: throw .malformed("commit has no rev")
        }
        let prev: CID?
        switch m["prev"] {
        case .link(let c)?: prev = c
        case .null?, nil: prev = nil
        default: throw .malformed("commit prev is not a link or null")
        }
        for k in m.keys where !["did", "version", "data", "rev", "prev", "sig"].contains(k) {
            throw .malformed("commit has unexpected field \(k)")
        }
        return Commit(did: did, data: data, rev: rev, prev: prev, sig: sig)
    }
}
