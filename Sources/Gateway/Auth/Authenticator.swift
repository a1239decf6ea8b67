import Foundation
import HTTPTypes
import IPC
import Synchronization

/// Checks the credentials on a request by asking AuthService, remembering valid access
/// tokens for a few seconds (the design allows a short cache) so a burst of calls costs one
/// IPC round trip.
public final class Authenticator: Sendable {
    let auth: any AuthServiceAPI
    let adminPassword: String
    private let cache = Mutex<[String: (credentials: AuthTypes.Credentials, until: ContinuousClock.Instant)]>([:])
    static let cacheLifetime: Duration = .seconds(5)

    public init(auth: any AuthServiceAPI, adminPassword: String) {
        self.auth = auth
        self.adminPassword = adminPassword
    }

    /// The bearer token of a request, or `AuthenticationRequired`.
    static func bearer(_ headers: HTTPFields) throws(XRPCError) -> String {
        guard let value = headers[.authorization], value.lowercased().hasPrefix("bearer "), value.count > 7 else {
            throw XRPCError(.unauthorized, "AuthenticationRequired", "Authentication Required")
        }
        return String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }

    /// Who an access token speaks for.
    public func account(_ headers: HTTPFields) async throws(XRPCError) -> AuthTypes.Credentials {
        let token = try Self.bearer(headers)
        let now = ContinuousClock.now
        if let hit = cache.withLock({ $0[token] }), hit.until > now { return hit.credentials }
        let credentials: AuthTypes.Credentials
        do { credentials = try await auth.verifyAccess(.init(token: token)) } catch { throw XRPCError(any: error) }
        cache.withLock {
            if $0.count > 10_000 { $0.removeAll() }
            $0[token] = (credentials, now + Self.cacheLifetime)
        }
        return credentials
    }

    /// Drops a cached token (after the account's status changed).
    public func forget(_ headers: HTTPFields) {
        guard let token = try? Self.bearer(headers) else { return }
        _ = cache.withLock { $0.removeValue(forKey: token) }
    }

    /// An active account's credentials: what writes require.
    public func activeAccount(_ headers: HTTPFields) async throws(XRPCError) -> AuthTypes.Credentials {
        let credentials = try await account(headers)
        switch credentials.status {
        case nil: return credentials
        case "takendown": throw XRPCError(.badRequest, "RepoTakendown", "Repo has been taken down")
        default: throw XRPCError(.badRequest, "RepoDeactivated", "Repo has been deactivated")
        }
    }

    /// An access token of the account itself (not an app password): for password, email and
    /// account changes.
    public func privilegedAccount(_ headers: HTTPFields) async throws(XRPCError) -> AuthTypes.Credentials {
        let credentials = try await account(headers)
        guard credentials.scope == "com.atproto.access" else {
            throw XRPCError(.badRequest, "InvalidToken", "Bad token scope")
        }
        return credentials
    }

    /// Checks HTTP Basic `admin:PDS_ADMIN_PASSWORD`.
    public func admin(_ headers: HTTPFields) throws(XRPCError) {
        guard let value = headers[.authorization], value.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(value.dropFirst(6))),
              let text = String(data: decoded, encoding: .utf8) else {
            throw XRPCError(.unauthorized, "AuthenticationRequired", "Authentication Required")
        }
        let expected = "admin:\(adminPassword)"
        // Constant-time comparison: a mismatch position must not leak through timing.
        let a = Array(text.utf8), b = Array(expected.utf8)
        var diff = a.count ^ b.count
        for i in 0..<min(a.count, b.count) { diff |= Int(a[i] ^ b[i]) }
        guard diff == 0 else { throw XRPCError(.unauthorized, "AuthenticationRequired", "Invalid admin credentials") }
    }
}
