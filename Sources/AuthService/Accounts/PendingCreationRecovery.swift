import Foundation
import IPLD
import Syntax
import Identity
import IPC
import Logging
import Synchronization

/// The handles whose creation is running in this process.
final class InFlightHandles: Sendable {
    private let handles = Mutex<Set<String>>([])
    /// False if the handle is already being created here.
    func insert(_ handle: String) -> Bool { handles.withLock { $0.insert(handle).inserted } }
    func remove(_ handle: String) { _ = handles.withLock { $0.remove(handle) } }
}

extension AccountCreation {
    /// Thrown by a test's failure point: the creation stops where it is, undone by nobody, as
    /// if the process had died there.
    struct Interrupted: Error {}

    /// Undoes an unfinished creation, newest step first, then lets go of its handle. Every
    /// part is idempotent, so an undo cut short by another crash is simply run again.
    /// The reserved signing key, if any, stays with RepoService unused (it owns no repo).
    func undo(_ pending: PendingAccount) async throws {
        if let did = pending.did {
            // Finished after all (the account row and the end of the pending row are one
            // transaction, so this only guards against a stale read).
            if try await store.account(identifier: did) != nil {
                try await store.removePendingAccount(handle: pending.handle)
                return
            }
            if pending.step >= .repoCreating {
                do { _ = try await repo.deleteRepo(.init(did: did)) } catch {
                    throw AuthError.internalError("cannot remove the repo of an unfinished account: \(error)")
                }
                try await announceUndone(did)
            }
            if pending.step >= .plcSubmitting { try await tombstone(did) }
        }
        try await store.removePendingAccount(handle: pending.handle)
    }

    /// The repo's first `#commit` and `#sync` may already be on the firehose: relays are told
    /// the account is gone, as for a deleted one. Not best effort: if FirehoseService cannot
    /// take it, the undo fails and is run again (the dedupe key keeps it to one event).
    func announceUndone(_ did: String) async throws {
        guard let firehose else { return }
        let body = DAGCBOR.encode(["did": .string(did), "active": false, "status": .string("deleted"),
                                   "time": .string(ATDatetime(Date()).string)])
        do {
            _ = try await firehose.appendEvents(.init(events: [.init(did: did, kind: "#account", dedupeKey: "create-undone", body: Data(body))]))
        } catch {
            throw AuthError.internalError("cannot announce the end of an unfinished account: \(error)")
        }
    }

    /// Ends a DID that was submitted for an account that never came to be, so it does not
    /// keep claiming the handle. Nothing to do if the directory never got it.
    func tombstone(_ did: String) async throws {
        let last: PLCOperation
        do throws(AuthError) { last = try await plc.lastOperation(did: did) } catch where error == AuthError.accountNotFound { return }
        guard case .update = last.kind else { return }
        try await plc.submit(try PLCOperation.sign(.tombstone, prev: last.cid, with: rotationKey), did: did)
    }

    /// At start: undoes every creation a crash left unfinished. One that cannot be undone yet
    /// (RepoService or the directory not up) stays, and is undone when its handle is tried again.
    func recoverPending(logger: Logger = Logger(label: "pdswift.auth.accounts")) async {
        guard let pending = try? await store.pendingAccounts() else { return }
        for p in pending {
            // Held like a creation while undone, so a createAccount of the same handle cannot
            // claim it in between and lose its fresh row to this undo.
            guard inFlight.insert(p.handle) else { continue }
            defer { inFlight.remove(p.handle) }
            do {
                try await undo(p)
                logger.notice("undid an unfinished account creation", metadata: ["handle": "\(p.handle)", "step": "\(p.step.rawValue)"])
            } catch {
                logger.warning("cannot undo an unfinished account creation yet", metadata: ["handle": "\(p.handle)", "error": "\(error)"])
            }
        }
    }
}
