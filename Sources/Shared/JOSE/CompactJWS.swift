import Crypto
import Foundation
import IPLD

/// A compact JWS split into its parts, with the header and payload decoded as JSON objects
/// (or, on the hot path of DPoP proofs, as typed values: `decodeHeader` / `decodePayload`).
public struct CompactJWS: Sendable {
    public let headerBytes: [UInt8]
    public let payloadBytes: [UInt8]
    public let signingInput: [UInt8]
    public let signature: [UInt8]

    public init?(_ token: String) {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count < 16_384,
              let h = Base64URL.decode(Substring(parts[0])), let p = Base64URL.decode(Substring(parts[1])),
              let s = Base64URL.decode(Substring(parts[2])) else { return nil }
        headerBytes = h
        payloadBytes = p
        signingInput = Array(token.utf8.prefix(parts[0].count + 1 + parts[1].count))
        signature = s
    }

    public var header: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(headerBytes))) as? [String: Any]) ?? [:] }
    public var payload: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(payloadBytes))) as? [String: Any]) ?? [:] }

    public func decodeHeader<T: Decodable>(_ type: T.Type) -> T? { try? JSONDecoder().decode(type, from: Data(headerBytes)) }
    public func decodePayload<T: Decodable>(_ type: T.Type) -> T? { try? JSONDecoder().decode(type, from: Data(payloadBytes)) }

    /// Checks an ES256 signature (raw r‖s). Generic JOSE signers do not normalise to low-S, so
    /// unlike atproto's own signatures both forms are accepted here.
    public func verifiesES256(with key: P256.Signing.PublicKey) -> Bool {
        guard signature.count == 64, let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(sig, for: signingInput)
    }
}
