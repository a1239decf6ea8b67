import ATCrypto
import Foundation
import Identity
import IPC
import IPLD
import Syntax

/// `createAccount`, step by step, so that a failure at any step leaves no account behind:
/// the handle is checked first; the repo's signing key is reserved; the did:plc genesis
/// operation is built, signed with the PDS rotation key and submitted; the repo is created;
/// and only then is the account recorded — atomically with its invite code. A failure after
/// the repo exists deletes it again.
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

    func create(_ request: AuthTypes.CreateAccountRequest) async throws -> AuthTypes.Session {
        let handle = try handles.check(request.handle)
        guard let password = request.password, !password.isEmpty else { throw AuthError.invalidRequest("Password is required") }
        let email = request.email?.lowercased()
        if let email, !Self.looksLikeEmail(email) { throw AuthError.invalidRequest("This email address is not supported, please use a different email.") }
        if inviteRequired && (request.inviteCode ?? "").isEmpty { throw AuthError.invalidInviteCode("No invite code provided") }
        if try await store.account(identifier: handle) != nil { throw AuthError.handleNotAvailable() }
        if let email, try await store.account(identifier: email) != nil { throw AuthError.emailTaken }
        let passwordScrypt = try await PasswordHash.hash(password)

        let signingKey = try await repo.reserveSigningKey(.init()).signingKey
        var rotationKeys = [rotationKey.didKey]
        if let recovery = request.recoveryKey {
            do { _ = try DIDKey.parse(recovery) } catch { throw AuthError.invalidRequest("recoveryKey must be a did:key") }
            rotationKeys.insert(recovery, at: 0)
        }
        let state = PLCState.account(rotationKeys: rotationKeys, signingKey: signingKey, handle: handle, pdsEndpoint: pdsEndpoint)
        let genesis = try PLCOperation.sign(.update(state), prev: nil, with: rotationKey)
        let did = genesis.genesisDID
        try await plc.submit(genesis, did: did)
        _ = try await repo.createRepo(.init(did: did, signingKey: signingKey))
        do {
            try await store.createAccount(did: did, handle: handle, email: email, passwordScrypt: passwordScrypt,
                                          inviteCode: inviteRequired ? request.inviteCode : request.inviteCode.flatMap { $0.isEmpty ? nil : $0 })
        } catch {
            _ = try? await repo.deleteRepo(.init(did: did))
            throw error
        }
        await announce(did: did, handle: handle)
        guard let account = try await store.account(identifier: did) else { throw AuthError.internalError("account vanished") }
        let session = try await sessions.issue(account: account, scope: .access, appPasswordName: nil)
        let didDoc = DataModelJSON.string(DIDDocument(did: did, state: state).value)
        return AuthTypes.Session(accessJwt: session.accessJwt, refreshJwt: session.refreshJwt, handle: handle, did: did,
                                 email: email, emailConfirmed: false, active: true, status: nil, didDocJSON: didDoc)
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
