import ATCrypto
import Foundation
import Identity
import IPC
import IPLD
import Syntax

/// Status changes and handle changes of existing accounts, each announced on the firehose.
struct AccountLifecycle: Sendable {
    let store: AuthStore
    let handles: HandleRules
    let plc: PLCClient
    let firehose: (any FirehoseServiceAPI)?
    let rotationKey: any SigningKey
    /// Re-announces a reactivated account's repo (`#sync`); nil in tests without a RepoService.
    var repoReset: (any RepoResetAPI)? = nil

    /// Deactivate, reactivate or take down; emits `#account`. Activation emits `#identity`
    /// first, then `#account active=true`, then has the RepoService emit a `#sync` of the
    /// head, as the reference PDS does, so a relay that never saw the account (one migrated
    /// here) or dropped it picks it up from its current handle and state.
    func setStatus(did: String, _ status: Account.Status) async throws {
        guard let account = try await store.account(identifier: did) else { throw AuthError.accountNotFound }
        try await store.setStatus(did: did, status)
        let time = ATDatetime(Date()).string
        if status == .active {
            await emit(did: did, kind: "#identity", key: "activate-\(UUID().uuidString)",
                       body: ["did": .string(did), "handle": .string(account.handle), "time": .string(time)])
        }
        var body: [(String, DataValue)] = [("did", .string(did)), ("active", .bool(status == .active)), ("time", .string(time))]
        if status != .active { body.append(("status", .string(status.rawValue))) }
        await emit(did: did, kind: "#account", key: "status-\(UUID().uuidString)", body: .map(DataMap(body)))
        guard status == .active else { return }
        // Best effort like the other events: the account is active either way.
        _ = try? await repoReset?.announceSync(.init(did: did))
    }

    /// Moves the account to a new handle: a signed PLC update (new `alsoKnownAs`), then the
    /// account row; emits `#identity`.
    func updateHandle(did: String, to requested: String) async throws {
        let handle = try handles.check(requested)
        if let holder = try await store.account(identifier: handle) {
            guard holder.did == did else { throw AuthError.handleNotAvailable() }
            return // already this account's handle
        }
        let last = try await plc.lastOperation(did: did)
        guard case .update(var state) = last.kind else { throw AuthError.invalidRequest("DID is tombstoned") }
        state.alsoKnownAs = ["at://\(handle)"] + state.alsoKnownAs.filter { !$0.hasPrefix("at://") }
        let op = try PLCOperation.sign(.update(state), prev: last.cid, with: rotationKey)
        try await plc.submit(op, did: did)
        try await store.setHandle(did: did, handle: handle)
        await emit(did: did, kind: "#identity", key: "handle-\(handle)-\(UUID().uuidString)",
                   body: ["did": .string(did), "handle": .string(handle), "time": .string(ATDatetime(Date()).string)])
    }

    func emit(did: String, kind: String, key: String, body: DataValue) async {
        _ = try? await firehose?.appendEvents(.init(events: [.init(did: did, kind: kind, dedupeKey: key, body: Data(DAGCBOR.encode(body)))]))
    }
}
