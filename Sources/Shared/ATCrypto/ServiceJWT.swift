import Foundation
import IPLD

/// Inter-service auth tokens (`com.atproto.server.getServiceAuth`): JWTs signed with an
/// account's repo key, ES256K for k256 keys and ES256 for p256. jwt-kit has no ES256K,
/// so they are built here: base64url header and payload, SHA-256, compact low-S signature.
public enum ServiceJWT {
    /// The claims of a service JWT.
    public struct Claims: Codable, Sendable, Equatable {
        public var iss: String
        public var aud: String
        public var exp: Int
        public var iat: Int
        /// The XRPC method the token is limited to, if any.
        public var lxm: String?
        public var jti: String

        public init(iss: String, aud: String, exp: Int, iat: Int, lxm: String?, jti: String) {
            self.iss = iss
            self.aud = aud
            self.exp = exp
            self.iat = iat
            self.lxm = lxm
            self.jti = jti
        }
    }

    struct Header: Codable { var typ: String; var alg: String }

    /// Signs a token for `claims` with `key`.
    public static func sign(_ claims: Claims, with key: any SigningKey) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = Base64URL.encode(try encoder.encode(Header(typ: "JWT", alg: key.algorithm.rawValue)))
        let payload = Base64URL.encode(try encoder.encode(claims))
        let signingInput = "\(header).\(payload)"
        let signature = try key.sign(Array(signingInput.utf8))
        return "\(signingInput).\(Base64URL.encode(signature))"
    }

    /// Verifies a token's signature with `key` and its expiry, returning its claims.
    public static func verify(_ token: String, key: any PublicKey, now: Date = Date()) throws(CryptoError) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]) else {
            throw CryptoError("malformed JWT")
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)),
              header.alg == key.algorithm.rawValue else {
            throw CryptoError("JWT algorithm does not match the key")
        }
        guard key.verify(signature: signature, for: Array("\(parts[0]).\(parts[1])".utf8)) else {
            throw CryptoError("JWT signature does not verify")
        }
        guard let claims = try? JSONDecoder().decode(Claims.self, from: Data(payloadBytes)) else {
            throw CryptoError("malformed JWT claims")
        }
        guard Double(claims.exp) > now.timeIntervalSince1970 else { throw CryptoError("JWT expired") }
        return claims
    }
}
