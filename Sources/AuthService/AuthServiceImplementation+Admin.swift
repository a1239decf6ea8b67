import Foundation
import IPC

/// The operator methods and the shared rate-limit counters.
extension AuthServiceImplementation {
    public func consumeRateLimit(_ request: RateLimitTypes.ConsumeRequest) async throws(IPCError) -> RateLimitTypes.ConsumeResponse {
        RateLimitTypes.ConsumeResponse(statuses: rateLimits.consume(request.buckets))
    }

    public func listAccounts(_ request: AuthAdminTypes.ListAccountsRequest) async throws(IPCError) -> AuthAdminTypes.AccountList {
        try await serve {
            let limit = min(max(request.limit, 1), 1000)
            let page = try await store.listAccounts(limit: limit, after: request.cursor)
            let accounts = page.map {
                AuthAdminTypes.AccountSummary(did: $0.account.did, handle: $0.account.handle, email: $0.account.email,
                                              status: $0.account.status.rawValue, createdAt: $0.createdAt)
            }
            return AuthAdminTypes.AccountList(accounts: accounts, cursor: accounts.count == limit ? accounts.last?.did : nil)
        }
    }

    /// Deletes an account without its password or an emailed token: the operator's
    /// `com.atproto.admin.deleteAccount`. Same steps as the user's own deletion.
    public func adminDeleteAccount(_ request: AuthTypes.DIDRequest) async throws(IPCError) -> Empty {
        try await serve {
            guard try await store.account(identifier: request.did) != nil else { throw AuthError.accountNotFound }
            _ = try? await emails.repo.deleteRepo(.init(did: request.did))
            try await lifecycle.setStatus(did: request.did, .deleted)
            try await store.removeAccount(did: request.did)
            return Empty()
        }
    }

    /// Sets a new password (`com.atproto.admin.updateAccountPassword`); every session ends.
    public func adminSetPassword(_ request: AuthAdminTypes.SetPasswordRequest) async throws(IPCError) -> Empty {
        try await serve {
            guard !request.password.isEmpty else { throw AuthError.invalidRequest("Password must not be empty") }
            guard try await store.account(identifier: request.did) != nil else { throw AuthError.accountNotFound }
            try await store.setPassword(did: request.did, passwordScrypt: try await PasswordHash.hash(request.password))
            return Empty()
        }
    }
}
