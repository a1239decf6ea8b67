import Foundation
import IPC
import Logging

/// Hands each account's committed firehose events (its outbox) to FirehoseService, and
/// drops them once sequenced. Re-sent events are recognised there by (did, kind, dedupe key), so a
/// crash between sequencing and acknowledging costs nothing.
public actor OutboxRelay {
    let stores: ActorStorePool
    let firehose: any FirehoseServiceAPI
    let logger: Logger
    private var dirty = Set<String>()
    private var draining = false

    public init(stores: ActorStorePool, firehose: any FirehoseServiceAPI, logger: Logger = Logger(label: "pds.repo.outbox")) {
        self.stores = stores
        self.firehose = firehose
        self.logger = logger
    }

    /// Notes that `did` has new outbox rows and drains them soon.
    public func notify(_ did: String) {
        dirty.insert(did)
        guard !draining else { return }
        draining = true
        Task { await self.drainLoop() }
    }

    /// Queues every account (at start, for events left unsent by a crash or an outage).
    public func notifyAll() async {
        for did in await stores.allDIDs() { notify(did) }
    }

    private func drainLoop() async {
        var delay = Duration.milliseconds(100)
        while let did = dirty.first {
            dirty.remove(did)
            do {
                try await drain(did)
                delay = .milliseconds(100)
            } catch {
                // FirehoseService down or restarting: keep the rows and try again.
                logger.warning("outbox relay for \(did) failed: \(error); retrying")
                dirty.insert(did)
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        draining = false
    }

    private func drain(_ did: String) async throws {
        let (store, _) = try await stores.store(for: did)
        while true {
            let pending = try await store.pendingOutbox(limit: 100)
            guard let last = pending.last else { return }
            let events = pending.map { FirehoseTypes.Event(did: did, kind: $0.kind, dedupeKey: $0.dedupeKey, body: Data($0.event)) }
            _ = try await firehose.appendEvents(.init(events: events))
            try await store.acknowledgeOutbox(through: last.id)
        }
    }
}
