import Foundation

/// A logged-in session as `createSession` / `refreshSession` answer it.
public struct Session: Sendable, Equatable {
    public let accessJwt: String
    public let refreshJwt: String
    public let did: String
    public let handle: String
    public let email: String?
    public let emailConfirmed: Bool
    public let status: Account.Status
    /// The app password the session was made with, if any.
    public let appPasswordName: String?
}

/// Logins, token rotation and app passwords: the session half of AuthService.
public struct Sessions: Sendable {
    public let store: AuthStore
    public let tokens: SessionTokens

    public init(store: AuthStore, tokens: SessionTokens) {
        self.store = store
        self.tokens = tokens
    }

    /// Logs in with a handle, email or DID and the account password or an app password.
    public func create(identifier: String, password: String) async throws -> Session {
        guard let account = try await store.account(identifier: identifier), account.status != .deleted else {
            throw AuthError.invalidCredentials
        }
        if account.status == .takendown {
            throw AuthError("AccountTakedown", "Account has been taken down", status: 401)
        }
        var appPassword: (name: String, privileged: Bool)? = nil
        if try await !PasswordHash.verify(password, stored: account.passwordScrypt) {
            // Not the account password: try the app passwords.
            for app in try await store.appPasswords(did: account.did) where try await PasswordHash.verify(password, stored: app.passwordScrypt) {
                appPassword = (app.name, app.privileged)
                break
            }
            guard appPassword != nil else { throw AuthError.invalidCredentials }
        }
        let scope: TokenScope = appPassword.map { $0.privileged ? .appPassPrivileged : .appPass } ?? .access
        return try await issue(account: account, scope: scope, appPasswordName: appPassword?.name)
    }

    /// Rotates a refresh token into a new session.
    public func refresh(_ refreshJwt: String) async throws -> Session {
        let claims = try await tokens.verify(refreshJwt, scopes: [.refresh])
        guard let jti = claims.jti else { throw AuthError.invalidToken }
        let rotated = try await store.rotateRefreshToken(id: jti, newID: Self.newTokenID(),
                                                         expiresAt: Date().addingTimeInterval(SessionTokens.refreshLifetime))
        guard let account = try await store.account(identifier: rotated.did) else { throw AuthError.accountNotFound }
        var scope: TokenScope = .access
        if let name = rotated.appPasswordName {
            let privileged = try await store.appPasswords(did: account.did).first { $0.name == name }?.privileged ?? false
            scope = privileged ? .appPassPrivileged : .appPass
        }
        let access = try await tokens.accessToken(did: account.did, scope: scope)
        let refresh = try await tokens.refreshToken(did: account.did, jti: rotated.nextID)
        return Session(accessJwt: access, refreshJwt: refresh, did: account.did, handle: account.handle, email: account.email,
                       emailConfirmed: account.emailConfirmed, status: account.status, appPasswordName: rotated.appPasswordName)
    }

    /// Ends the session a refresh token belongs to.
    public func delete(_ refreshJwt: String) async throws {
        let claims = try await tokens.verify(refreshJwt, scopes: [.refresh])
        guard let jti = claims.jti else { throw AuthError.invalidToken }
        try await store.revokeRefreshToken(id: jti)
    }

    /// Checks an access token (bearer auth on every authenticated call).
    public func verifyAccess(_ accessJwt: String) async throws(AuthError) -> SessionClaims {
        try await tokens.verify(accessJwt, scopes: [.access, .appPass, .appPassPrivileged])
    }

    /// Creates an app password; the password text is shown once, `xxxx-xxxx-xxxx-xxxx`.
    public func createAppPassword(did: String, name: String, privileged: Bool) async throws -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        let password = (0..<4).map { _ in String((0..<4).map { _ in alphabet.randomElement()! }) }.joined(separator: "-")
        try await store.createAppPassword(did: did, name: name, passwordScrypt: try await PasswordHash.hash(password), privileged: privileged)
        return password
    }

    func issue(account: Account, scope: TokenScope, appPasswordName: String?) async throws -> Session {
        let jti = Self.newTokenID()
        let access = try await tokens.accessToken(did: account.did, scope: scope)
        let refresh = try await tokens.refreshToken(did: account.did, jti: jti)
        try await store.storeRefreshToken(id: jti, did: account.did, appPasswordName: appPasswordName,
                                          expiresAt: Date().addingTimeInterval(SessionTokens.refreshLifetime))
        return Session(accessJwt: access, refreshJwt: refresh, did: account.did, handle: account.handle, email: account.email,
                       emailConfirmed: account.emailConfirmed, status: account.status, appPasswordName: appPasswordName)
    }

    static func newTokenID() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}
