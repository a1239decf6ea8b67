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

    /// Deactivate, reactivate or take down; emits `#account`.
    func setStatus(did: String, _ status: Account.Status) async throws {
        guard try await store.account(identifier: did) != nil else { throw AuthError.accountNotFound }
        try await store.setStatus(did: did, status)
        var body: [(String, DataValue)] = [("did", .string(did)), ("active", .bool(status == .active)),
                                           ("time", .string(ATDatetime(Date()).string))]
        if status != .active { body.append(("status", .string(status.rawValue))) }
        await emit(did: did, kind: "#account", key: "status-\(UUID().uuidString)", body: .map(DataMap(body)))
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
