import Crypto
import Foundation
import IPLD

/// The claims of an OAuth access token: bound to a DPoP key (`cnf.jkt`) and to the session it
/// belongs to (`jti`), so revoking the session ends the token at once.
public struct OAuthAccessClaims: Codable, Sendable, Equatable {
    public var iss: String
    public var aud: String
    public var sub: String
    public var iat: Int
    public var exp: Int
    public var jti: String
    public var scope: String
    public var clientID: String
    public var cnf: Confirmation

    /// RFC 7800 confirmation: the DPoP key's thumbprint.
    public struct Confirmation: Codable, Sendable, Equatable {
        public var jkt: String
        public init(jkt: String) { self.jkt = jkt }
    }

    public init(iss: String, aud: String, sub: String, iat: Int, exp: Int, jti: String, scope: String, clientID: String, cnf: Confirmation) {
        self.iss = iss; self.aud = aud; self.sub = sub; self.iat = iat; self.exp = exp; self.jti = jti; self.scope = scope
        self.clientID = clientID; self.cnf = cnf
    }

    enum CodingKeys: String, CodingKey { case iss, aud, sub, iat, exp, jti, scope, clientID = "client_id", cnf }
}

/// Signs and checks OAuth access tokens: HS256 JWTs (`typ: at+jwt`) under a key derived from
/// `PDS_JWT_SECRET`, distinct from the legacy session tokens' key so neither passes for the other.
public struct OAuthAccessTokens: Sendable {
    /// Access tokens are short-lived; the refresh token carries the session.
    public static let lifetime: TimeInterval = 15 * 60
    private let key: SymmetricKey
    /// The fixed header of every OAuth access token. The `kid` tells it from a legacy session
    /// token, whose header (made by jwt-kit, members in any order) may be the same otherwise.
    static let header = Base64URL.encode(Array(#"{"alg":"HS256","kid":"oauth-access","typ":"at+jwt"}"#.utf8))

    public init(secret: String) {
        key = SymmetricKey(data: HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Array(secret.utf8)),
                                                        info: Array("pdswift oauth access token".utf8), outputByteCount: 32))
    }

    public func sign(_ claims: OAuthAccessClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let input = Self.header + "." + Base64URL.encode(Array(try encoder.encode(claims)))
        return input + "." + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: key)))
    }

    /// The claims of a token this server signed, or nil (expiry is the caller's to check).
    public func verify(_ token: String) -> OAuthAccessClaims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.header, let mac = Base64URL.decode(String(parts[2])),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array("\(parts[0]).\(parts[1])".utf8), using: key),
              let payload = Base64URL.decode(String(parts[1])) else { return nil }
        return try? JSONDecoder().decode(OAuthAccessClaims.self, from: Data(payload))
    }

    /// Whether a token looks like one of these (its header), without checking it.
    public static func isOAuthToken(_ token: String) -> Bool { token.hasPrefix(header + ".") }
}
