import ATCrypto
import Foundation
import Identity
import IPC
import IPLD
import Syntax

/// `createAccount`, step by step, so that neither a failure nor a crash at any step leaves a
/// half-created account behind or holds the handle: the handle is claimed in a
/// `pending_account` row; the repo's signing key is reserved; the did:plc genesis operation is
/// built, signed with the PDS rotation key and submitted; the repo is created; and only then
/// is the account recorded, atomically with its invite code and the end of the pending row.
/// Each step is written to the row before it runs. An error undoes the steps at once
/// (`undo`); after a crash the row is undone at the next start or by the next try of the
/// same handle, whichever comes first.
struct AccountCreation: Sendable {
    let store: AuthStore
    let sessions: Sessions
    let handles: HandleRules
    let plc: PLCClient
    let repo: any RepoServiceAPI
    let firehose: (any FirehoseServiceAPI)?
    let rotationKey: any SigningKey
    let pdsEndpoint: String
    let inviteRequired: Bool
    /// Handles whose creation runs in this process now. A pending row for a handle not in
    /// here belongs to a creation that died (only this process writes `auth.sqlite`).
    let inFlight = InFlightHandles()
    /// Called after each step; tests make it fail (an error: undone at once) or stop the
    /// creation dead (`Interrupted`: left as a crash would leave it).
    var failurePoint: (@Sendable (PendingAccount.Step) async throws -> Void)? = nil

    func create(_ request: AuthTypes.CreateAccountRequest) async throws -> AuthTypes.Session {
        let handle = try handles.check(request.handle)
        guard let password = request.password, !password.isEmpty else { throw AuthError.invalidRequest("Password is required") }
        let email = request.email?.lowercased()
        if let email, !Self.looksLikeEmail(email) { throw AuthError.invalidRequest("This email address is not supported, please use a different email.") }
        if inviteRequired && (request.inviteCode ?? "").isEmpty { throw AuthError.invalidInviteCode("No invite code provided") }
        if try await store.account(identifier: handle) != nil { throw AuthError.handleNotAvailable() }
        if let email, try await store.account(identifier: email) != nil { throw AuthError.emailTaken }
        let passwordScrypt = try await PasswordHash.hash(password)
        var recoveryKey: String?
        if let recovery = request.recoveryKey {
            do { _ = try DIDKey.parse(recovery) } catch { throw AuthError.invalidRequest("recoveryKey must be a did:key") }
            recoveryKey = recovery
        }

        guard inFlight.insert(handle) else { throw AuthError.handleNotAvailable() }
        defer { inFlight.remove(handle) }
        // A pending row left by a creation that died: undo it before trying again.
        if let abandoned = try await store.pendingAccount(handle: handle) { try await undo(abandoned) }
        try await store.claimPendingAccount(handle: handle)
        let created: (did: String, state: PLCState)
        do {
            created = try await run(handle: handle, recoveryKey: recoveryKey) { did in
                try await store.createAccount(did: did, handle: handle, email: email, passwordScrypt: passwordScrypt,
                                              inviteCode: inviteRequired ? request.inviteCode : request.inviteCode.flatMap { $0.isEmpty ? nil : $0 })
            }
        } catch is Interrupted {
            throw AuthError.internalError("account creation interrupted")
        } catch {
            // Undo now; if even that fails, the row stays and is undone later.
            if let pending = try? await store.pendingAccount(handle: handle) { try? await undo(pending) }
            throw error
        }
        let (did, state) = created
        await announce(did: did, handle: handle)
        guard let account = try await store.account(identifier: did) else { throw AuthError.internalError("account vanished") }
        let session = try await sessions.issue(account: account, scope: .access, appPasswordName: nil)
        let didDoc = DataModelJSON.string(DIDDocument(did: did, state: state).value)
        return AuthTypes.Session(accessJwt: session.accessJwt, refreshJwt: session.refreshJwt, handle: handle, did: did,
                                 email: email, emailConfirmed: false, active: true, status: nil, didDocJSON: didDoc)
    }

    /// The steps after the claim, each recorded before it runs; `record` writes the account.
    func run(handle: String, recoveryKey: String?, record: (String) async throws -> Void) async throws -> (did: String, state: PLCState) {
        try await failurePoint?(.claimed)
        let signingKey = try await repo.reserveSigningKey(.init()).signingKey
        try await store.advancePendingAccount(handle: handle, to: .keyReserved, signingKey: signingKey)
        try await failurePoint?(.keyReserved)
        var rotationKeys = [rotationKey.didKey]
        if let recoveryKey { rotationKeys.insert(recoveryKey, at: 0) }
        let state = PLCState.account(rotationKeys: rotationKeys, signingKey: signingKey, handle: handle, pdsEndpoint: pdsEndpoint)
        let genesis = try PLCOperation.sign(.update(state), prev: nil, with: rotationKey)
        let did = genesis.genesisDID
        try await store.advancePendingAccount(handle: handle, to: .plcSubmitting, did: did)
        try await plc.submit(genesis, did: did)
        try await failurePoint?(.plcSubmitting)
        try await store.advancePendingAccount(handle: handle, to: .repoCreating)
        _ = try await repo.createRepo(.init(did: did, signingKey: signingKey))
        try await failurePoint?(.repoCreating)
        try await record(did)
        return (did, state)
    }

    /// The #identity and #account events of a new account. A firehose outage must not fail
    /// the account: the events are best effort here (the account is already usable).
    func announce(did: String, handle: String) async {
        guard let firehose else { return }
        let time = ATDatetime(Date()).string
        let identity = DAGCBOR.encode(["did": .string(did), "handle": .string(handle), "time": .string(time)])
        let account = DAGCBOR.encode(["did": .string(did), "active": true, "time": .string(time)])
        _ = try? await firehose.appendEvents(.init(events: [
            .init(did: did, kind: "#identity", dedupeKey: "create-\(handle)", body: Data(identity)),
            .init(did: did, kind: "#account", dedupeKey: "create", body: Data(account)),
        ]))
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@")
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
    }
}
