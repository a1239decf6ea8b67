import Foundation
import IPC

/// The emailed-token flows, as the reference PDS runs them: a token is mailed, and the next
/// call must present it within 15 minutes.
struct EmailFlows: Sendable {
    let store: AuthStore
    let mailer: any Mailer
    let lifecycle: AccountLifecycle
    let repo: any RepoServiceAPI

    func run(_ r: AuthTypes.EmailFlowRequest) async throws -> AuthTypes.EmailFlowResponse {
        switch r.step {
        case .requestEmailConfirmation:
            let account = try await own(r)
            guard let email = account.email else { throw AuthError.invalidRequest("account has no email address") }
            try await mail(email, "Confirm your email", purpose: "confirm_email", did: account.did)
        case .confirmEmail:
            let account = try await own(r)
            guard account.email == r.email?.lowercased() else { throw AuthError.invalidRequest("invalid email") }
            try await requireToken(r, purpose: "confirm_email", did: account.did)
            try await store.setEmail(did: account.did, email: nil, confirmed: true)
        case .requestEmailUpdate:
            let account = try await own(r)
            guard account.emailConfirmed, let email = account.email else { return .init(tokenRequired: false) }
            try await mail(email, "Update your email", purpose: "update_email", did: account.did)
            return .init(tokenRequired: true)
        case .updateEmail:
            let account = try await own(r)
            guard let email = r.email?.lowercased(), AccountCreation.looksLikeEmail(email) else { throw AuthError.invalidRequest("invalid email") }
            if account.emailConfirmed { try await requireToken(r, purpose: "update_email", did: account.did) }
            try await store.setEmail(did: account.did, email: email, confirmed: false)
        case .requestPasswordReset:
            // Always answer the same, so the endpoint cannot tell which emails have accounts.
            if let email = r.email?.lowercased(), let account = try await store.account(identifier: email), account.status != .deleted {
                try await mail(email, "Reset your password", purpose: "reset_password", did: account.did)
            }
        case .resetPassword:
            guard let token = r.token, let password = r.password, !password.isEmpty else { throw AuthError.invalidRequest("token and password are required") }
            guard let did = try await store.consumeEmailToken(purpose: "reset_password", token: token) else {
                throw AuthError("ExpiredToken", "Token is invalid or expired", status: 400)
            }
            try await store.setPassword(did: did, passwordScrypt: try await PasswordHash.hash(password))
        case .requestAccountDelete:
            let account = try await own(r)
            guard let email = account.email else { throw AuthError.invalidRequest("account has no email address") }
            try await mail(email, "Delete your account", purpose: "delete_account", did: account.did)
        case .deleteAccount:
            guard let did = r.did, let password = r.password, let account = try await store.account(identifier: did) else {
                throw AuthError.invalidRequest("did, password and token are required")
            }
            guard try await PasswordHash.verify(password, stored: account.passwordScrypt) else { throw AuthError.invalidCredentials }
            try await requireToken(r, purpose: "delete_account", did: did)
            _ = try? await repo.deleteRepo(.init(did: did))
            try await lifecycle.setStatus(did: did, .deleted)
            try await store.removeAccount(did: did)
        }
        return .init()
    }

    func own(_ r: AuthTypes.EmailFlowRequest) async throws -> Account {
        guard let did = r.did, let account = try await store.account(identifier: did) else { throw AuthError.accountNotFound }
        return account
    }

    func mail(_ to: String, _ subject: String, purpose: String, did: String) async throws {
        let token = try await store.issueEmailToken(purpose: purpose, did: did)
        try await mailer.send(to: to, subject: subject, body: "Your code: \(token)\nIt expires in 15 minutes.", token: token)
    }

    func requireToken(_ r: AuthTypes.EmailFlowRequest, purpose: String, did: String) async throws {
        guard let token = r.token, try await store.consumeEmailToken(purpose: purpose, did: did, token: token) else {
            throw AuthError("InvalidToken", "Token is invalid or expired", status: 400)
        }
    }
}
