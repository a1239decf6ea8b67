import Crypto
import Foundation
import IPLD

/// A public JSON Web Key of the one kind the atproto OAuth profile requires: EC P-256 (ES256).
public struct JWK: Codable, Sendable, Equatable {
    public var kty: String
    public var crv: String?
    public var x: String?
    public var y: String?
    public var kid: String?
    public var alg: String?
    public var use: String?
    /// A private key's scalar: its presence makes a key unusable as a public one.
    public var d: String?

    /// The swift-crypto key, when this is a valid public P-256 key.
    public func p256() throws(OAuthError) -> P256.Signing.PublicKey {
        guard kty == "EC", crv == "P-256", d == nil, let x, let y,
              let xb = Base64URL.decode(x), let yb = Base64URL.decode(y), xb.count == 32, yb.count == 32,
              let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + xb + yb) else {
            throw OAuthError.invalidDPoPProof("the key must be a public EC P-256 JWK")
        }
        return key
    }

    /// The RFC 7638 thumbprint: base64url SHA-256 of the required members in lexical order.
    public func thumbprint() -> String {
        let canonical = "{\"crv\":\"\(crv ?? "")\",\"kty\":\"\(kty)\",\"x\":\"\(x ?? "")\",\"y\":\"\(y ?? "")\"}"
        return Base64URL.encode(Array(SHA256.hash(data: Array(canonical.utf8))))
    }
}

/// A compact JWS split into its parts, with the header and payload decoded as JSON objects
/// (or, on the hot path of DPoP proofs, as typed values: `decodeHeader` / `decodePayload`).
struct CompactJWS {
    let headerBytes: [UInt8]
    let payloadBytes: [UInt8]
    let signingInput: [UInt8]
    let signature: [UInt8]

    init?(_ token: String) {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count < 16_384,
              let h = Base64URL.decode(Substring(parts[0])), let p = Base64URL.decode(Substring(parts[1])),
              let s = Base64URL.decode(Substring(parts[2])) else { return nil }
        headerBytes = h
        payloadBytes = p
        signingInput = Array(token.utf8.prefix(parts[0].count + 1 + parts[1].count))
        signature = s
    }

    var header: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(headerBytes))) as? [String: Any]) ?? [:] }
    var payload: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(payloadBytes))) as? [String: Any]) ?? [:] }

    func decodeHeader<T: Decodable>(_ type: T.Type) -> T? { try? JSONDecoder().decode(type, from: Data(headerBytes)) }
    func decodePayload<T: Decodable>(_ type: T.Type) -> T? { try? JSONDecoder().decode(type, from: Data(payloadBytes)) }

    /// Checks an ES256 signature (raw r‖s). Generic JOSE signers do not normalise to low-S, so
    /// unlike atproto's own signatures both forms are accepted here.
    func verifiesES256(with key: P256.Signing.PublicKey) -> Bool {
        guard signature.count == 64, let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(sig, for: signingInput)
    }
}

/// Random identifiers for requests, codes and tokens: 256 bits, hex (as session token ids).
enum OAuthRandom {
    static func token(_ prefix: String) -> String { prefix + Sessions.newTokenID() }

    /// A SHA-256 of a secret, so the database never holds a usable token.
    static func digest(_ secret: String) -> String { PasswordHash.hex(Array(SHA256.hash(data: Array(secret.utf8)))) }
}
