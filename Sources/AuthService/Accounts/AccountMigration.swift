import ATCrypto
import Foundation
import Identity
import IPC
import IPLD
import Syntax

/// `createAccount` with an existing DID: an account moving here from another PDS, as the
/// reference PDS and `goat account migrate` do it. The caller proves it controls the DID
/// with a service-auth token its old PDS signed (iss = the DID, aud = this PDS's service
/// DID, lxm = `com.atproto.server.createAccount`), checked against the DID document's
/// current signing key. The account gets a signing key of its own here (the one
/// `reserveSigningKey` reserved for the DID, if any) and an empty repo that is not
/// announced, and starts **deactivated**: its repo is imported, its blobs uploaded and its
/// DID pointed here before `activateAccount` announces it.
struct AccountMigration: Sendable {
    let store: AuthStore
    let sessions: Sessions
    let handles: HandleRules
    let repo: any RepoServiceAPI
    let documents: DIDDocuments
    let handleResolver: HandleResolver
    let serviceDID: String
    let inviteRequired: Bool

    func create(_ request: AuthTypes.CreateAccountRequest, did: String) async throws -> AuthTypes.Session {
        do { _ = try DID(did) } catch { throw AuthError.invalidRequest("Invalid DID: \(did)") }
        let resolved = try await documents.resolve(did)
        try Self.verifyServiceAuth(request.serviceAuth, did: did, document: resolved.document, serviceDID: serviceDID)
        let handle = try await checkHandle(request.handle, did: did)
        guard let password = request.password, !password.isEmpty else { throw AuthError.invalidRequest("Password is required") }
        let email = request.email?.lowercased()
        if let email, !AccountCreation.looksLikeEmail(email) { throw AuthError.invalidRequest("This email address is not supported, please use a different email.") }
        if inviteRequired && (request.inviteCode ?? "").isEmpty { throw AuthError.invalidInviteCode("No invite code provided") }
        if try await store.account(identifier: did) != nil {
            throw AuthError("AlreadyExists", "An account for \(did) already exists on this PDS: sign in to it instead")
        }
        if try await store.account(identifier: handle) != nil { throw AuthError.handleNotAvailable() }
        if let email, try await store.account(identifier: email) != nil { throw AuthError.emailTaken }
        let passwordScrypt = try await PasswordHash.hash(password)

        let signingKey = try await repo.reserveSigningKey(.init(did: did)).signingKey
        // Repeating this for the same DID and key returns the repo made by an earlier try.
        _ = try await repo.createRepo(.init(did: did, signingKey: signingKey, announce: false))
        do {
            try await store.createAccount(did: did, handle: handle, email: email, passwordScrypt: passwordScrypt,
                                          inviteCode: request.inviteCode.flatMap { $0.isEmpty ? nil : $0 }, status: .deactivated)
        } catch {
            _ = try? await repo.deleteRepo(.init(did: did))
            throw error
        }
        guard let account = try await store.account(identifier: did) else { throw AuthError.internalError("account vanished") }
        let session = try await sessions.issue(account: account, scope: .access, appPasswordName: nil)
        return AuthTypes.Session(accessJwt: session.accessJwt, refreshJwt: session.refreshJwt, handle: handle, did: did,
                                 email: email, emailConfirmed: false, active: false, status: Account.Status.deactivated.rawValue,
                                 didDocJSON: resolved.json)
    }

    /// The service-auth token must be signed by the DID's current `#atproto` key, for this
    /// PDS and this method, and unexpired.
    static func verifyServiceAuth(_ token: String?, did: String, document: DIDDocument, serviceDID: String,
                                  now: Date = Date()) throws(AuthError) {
        guard let token, !token.isEmpty else {
            throw AuthError("AuthenticationRequired", "Missing auth to create account with did: \(did)", status: 401)
        }
        guard let key = document.signingKey else {
            throw AuthError("IncompatibleDidDoc", "The DID document of \(did) has no atproto signing key")
        }
        let claims: ServiceJWT.Claims
        do { claims = try ServiceJWT.verify(token, key: key, now: now) } catch {
            throw AuthError("AuthenticationRequired", "Service auth for \(did) does not verify with its signing key: \(error)", status: 401)
        }
        guard claims.iss == did || claims.iss.hasPrefix(did + "#") else {
            throw AuthError("AuthenticationRequired", "Missing auth to create account with did: \(did)", status: 401)
        }
        guard claims.aud == serviceDID else {
            throw AuthError("AuthenticationRequired", "Service auth is for \(claims.aud), not this PDS (\(serviceDID))", status: 401)
        }
        guard claims.lxm == nil || claims.lxm == "com.atproto.server.createAccount" else {
            throw AuthError("AuthenticationRequired", "Service auth is for \(claims.lxm ?? ""), not com.atproto.server.createAccount", status: 401)
        }
    }

    /// A handle under one of this PDS's domains follows the usual rules; any other (the
    /// user's own domain) must already resolve to the DID, as the reference PDS requires.
    func checkHandle(_ input: String, did: String) async throws -> String {
        let lowered = input.lowercased()
        if handles.domains.contains(where: { lowered.hasSuffix($0) }) { return try handles.check(lowered) }
        do { _ = try Handle(lowered) } catch { throw AuthError.invalidHandle("Input/handle must be a valid handle") }
        guard await handleResolver.resolve(lowered) == did else {
            throw AuthError.invalidHandle("External handle did not resolve to DID")
        }
        return lowered
    }
}
