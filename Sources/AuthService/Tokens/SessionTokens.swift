import Foundation
import JWTKit

/// What a session token grants, as the reference PDS scopes them.
public enum TokenScope: String, Sendable, Codable {
    case access = "com.atproto.access"
    case appPass = "com.atproto.appPass"
    case appPassPrivileged = "com.atproto.appPassPrivileged"
    case refresh = "com.atproto.refresh"
}

/// The claims of an access or refresh JWT.
public struct SessionClaims: JWTPayload, Equatable {
    public var scope: TokenScope
    public var aud: String
    public var sub: String
    /// Seconds since the epoch, as whole numbers: clients (the atproto SDKs) refuse fractions.
    public var iat: Int
    public var exp: Int
    /// Refresh tokens only: the token's id, used for rotation.
    public var jti: String?

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        // Expiry is checked by `SessionTokens` to map it to `ExpiredToken`.
    }

    /// The account DID.
    public var did: String { sub }
}

/// Issues and verifies the PDS's HS256 session JWTs (`PDS_JWT_SECRET`): access tokens for
/// 120 minutes (`typ: at+jwt`), refresh tokens for 90 days (`typ: refresh+jwt`), with the
/// PDS's DID as audience — the lifetimes and shapes of the reference PDS.
public struct SessionTokens: Sendable {
    public static let accessLifetime: TimeInterval = 120 * 60
    public static let refreshLifetime: TimeInterval = 90 * 24 * 3600

    private let keys: JWTKeyCollection
    public let serviceDID: String

    public init(secret: String, serviceDID: String) async {
        keys = JWTKeyCollection()
        // HMAC zero-pads short keys to its block size anyway, so padding to the 32 bytes
        // jwt-kit insists on gives the same MACs as the reference PDS for any secret.
        var key = Array(secret.utf8)
        if key.count < 32 { key += [UInt8](repeating: 0, count: 32 - key.count) }
        await keys.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
        self.serviceDID = serviceDID
    }

    /// A new access token.
    public func accessToken(did: String, scope: TokenScope, now: Date = Date()) async throws -> String {
        let claims = SessionClaims(scope: scope, aud: serviceDID, sub: did, iat: Int(now.timeIntervalSince1970),
                                   exp: Int(now.addingTimeInterval(Self.accessLifetime).timeIntervalSince1970), jti: nil)
        return try await keys.sign(claims, header: ["typ": "at+jwt"])
    }

    /// A new refresh token with id `jti`.
    public func refreshToken(did: String, jti: String, now: Date = Date()) async throws -> String {
        let claims = SessionClaims(scope: .refresh, aud: serviceDID, sub: did, iat: Int(now.timeIntervalSince1970),
                                   exp: Int(now.addingTimeInterval(Self.refreshLifetime).timeIntervalSince1970), jti: jti)
        return try await keys.sign(claims, header: ["typ": "refresh+jwt"])
    }

    /// Verifies a token's signature, audience, expiry and that its scope is one of `scopes`.
    public func verify(_ token: String, scopes: Set<TokenScope>, now: Date = Date()) async throws(AuthError) -> SessionClaims {
        let claims: SessionClaims
        do { claims = try await keys.verify(token, as: SessionClaims.self) } catch { throw AuthError.invalidToken }
        guard claims.aud == serviceDID else { throw AuthError.invalidToken }
        guard Double(claims.exp) > now.timeIntervalSince1970 else { throw AuthError.expiredToken }
        guard scopes.contains(claims.scope) else {
            throw AuthError("InvalidToken", "Bad token scope", status: 400)
        }
        return claims
    }
}
