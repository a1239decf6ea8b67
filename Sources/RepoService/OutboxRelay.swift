import Foundation
import IPC
import Logging

/// Hands each account's committed firehose events (its outbox) to FirehoseService, and
/// drops them once sequenced. Re-sent events are recognised there by (did, kind, dedupe key), so a
/// crash between sequencing and acknowledging costs nothing.
///
/// Events come from each store's in-memory mirror of its outbox, and acknowledged rows are
/// deleted by the account's next write; within `ackFlushDelay`, the rows no write has taken
/// are deleted on their own.
public actor OutboxRelay {
    let stores: ActorStorePool
    let firehose: any FirehoseServiceAPI
    let logger: Logger
    /// Accounts with news not yet taken by a call.
    private var dirty = Set<String>()
    /// Accounts whose events are in a call not yet answered: each account is in one call at
    /// a time, so its events reach FirehoseService in commit order.
    private var inFlight = Set<String>()
    private var calls = 0
    /// Stores with acknowledged outbox rows possibly still in their table.
    private var unflushed: [String: ActorStore] = [:]
    private var flushScheduled = false
    /// How long after an acknowledgement the relay deletes the rows no write has taken.
    static let ackFlushDelay = Duration.seconds(1)
    /// Calls to FirehoseService at once. A second call carries the accounts that committed
    /// while the first was on its way, instead of making them wait a round trip for it.
    static let maxCalls = 2

    public init(stores: ActorStorePool, firehose: any FirehoseServiceAPI, logger: Logger = Logger(label: "pds.repo.outbox")) {
        self.stores = stores
        self.firehose = firehose
        self.logger = logger
    }

    /// Notes that `did` has new outbox rows and drains them soon.
    public func notify(_ did: String) {
        dirty.insert(did)
        startCalls()
    }

    /// Queues every account (at start, for events left unsent by a crash or an outage).
    public func notifyAll() async {
        for did in await stores.allDIDs() { notify(did) }
    }

    /// Events sent to FirehoseService per call at most.
    static let batchLimit = 500

    /// Starts calls for the accounts with news that no call is carrying, up to `maxCalls`.
    private func startCalls() {
        while calls < Self.maxCalls {
            // Every ready account in one call: under load one round trip and one sequencer
            // transaction carry many accounts' commits, instead of one each in turn.
            let dids = dirty.subtracting(inFlight)
            guard !dids.isEmpty else { return }
            dirty.subtract(dids)
            inFlight.formUnion(dids)
            calls += 1
            Task { await self.call(dids) }
        }
    }

    private func call(_ dids: Set<String>) async {
        var delay = Duration.milliseconds(100)
        while true {
            do {
                let unfinished = try await drain(dids)
                dirty.formUnion(unfinished)
                break
            } catch {
                // FirehoseService down or restarting: keep the rows and try again; the
                // accounts stay with this call meanwhile.
                logger.warning("outbox relay for \(dids.count) account(s) failed: \(error); retrying")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        inFlight.subtract(dids)
        calls -= 1
        startCalls()
    }

    /// Marks `store`'s events through `id` as sequenced, and makes sure a flush follows:
    /// within `ackFlushDelay`, whether or not the relay is still busy with other accounts
    /// (a quiet account's rows must not wait for an idle moment that may never come: re-sent
    /// after the sequencer has pruned them, they would be sequenced again).
    private func acknowledge(_ store: ActorStore, did: String, through id: Int64) {
        store.acknowledgeOutbox(through: id)
        unflushed[did] = store
        guard !flushScheduled else { return }
        flushScheduled = true
        Task {
            try? await Task.sleep(for: Self.ackFlushDelay)
            await self.flushAcknowledgements()
        }
    }

    private func flushAcknowledgements() async {
        flushScheduled = false
        let stores = unflushed
        unflushed.removeAll()
        for (did, store) in stores {
            do {
                try await store.flushOutboxAcknowledgements()
            } catch {
                // Harmless: the rows are re-sent after a restart and dropped as duplicates.
                logger.warning("deleting acknowledged outbox rows of \(did) failed: \(error)")
            }
        }
    }

    /// Sends the pending events of `dids` (in outbox order for each account) and acknowledges
    /// them; answers the accounts that had more than fitted in the batch.
    private func drain(_ dids: Set<String>) async throws -> Set<String> {
        var events: [FirehoseTypes.Event] = []
        var acks: [(did: String, store: ActorStore, through: Int64)] = []
        var unfinished = Set<String>()
        for did in dids {
            let room = Self.batchLimit - events.count
            guard room > 0 else { unfinished.insert(did); continue }
            // An account deleted since it was queued has nothing left to send.
            guard let (store, _) = try? await stores.store(for: did) else { continue }
            let limit = min(100, room)
            let pending = try await store.pendingOutbox(limit: limit)
            guard let last = pending.last else { continue }
            events += pending.map { FirehoseTypes.Event(did: did, kind: $0.kind, dedupeKey: $0.dedupeKey, body: Data($0.event)) }
            acks.append((did, store, last.id))
            if pending.count == limit { unfinished.insert(did) }
        }
        guard !events.isEmpty else { return unfinished }
        _ = try await firehose.appendEvents(.init(events: events))
        for ack in acks { acknowledge(ack.store, did: ack.did, through: ack.through) }
        return unfinished
    }
}
