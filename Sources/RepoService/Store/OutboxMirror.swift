import Synchronization

/// The unacknowledged tail of one account's outbox, held in memory beside the table, so
/// handing a commit's event to FirehoseService costs no read of the file and acknowledging
/// it costs no transaction of its own.
///
/// The table stays the truth: every event is inserted in its commit's transaction, and a
/// crash loses only this copy (the rows are re-sent at start, and FirehoseService drops
/// what it already has). The mirror is filled after each commit on the writer's queue, so
/// it holds events in commit order; acknowledged rows are deleted by the next write
/// transaction, or by `ActorStore.flushOutboxAcknowledgements()` when no write comes.
final class OutboxMirror: Sendable {
    /// Events held at most. Past it (FirehoseService away for a long time) the mirror lets
    /// go and the table is read again once it is back.
    static let capacity = 1_000

    private struct State {
        /// Committed, unacknowledged events, oldest first; every one there is when `whole`.
        var events: [PendingOutboxEvent] = []
        /// False at open (rows may be left from before) and after overflowing.
        var whole = false
        /// The highest id FirehoseService has acknowledged.
        var acknowledged: Int64 = 0
        /// The highest id deleted from the table (never above `acknowledged`).
        var deleted: Int64 = 0
    }

    private let state = Mutex(State())

    /// Up to `limit` unacknowledged events, or nil when the mirror does not hold them all.
    func take(limit: Int) -> [PendingOutboxEvent]? {
        state.withLock { $0.whole ? Array($0.events.prefix(limit)) : nil }
    }

    /// Records FirehoseService's acknowledgement of every event up to `id`.
    func acknowledge(through id: Int64) {
        state.withLock { s in
            s.acknowledged = max(s.acknowledged, id)
            if let keep = s.events.firstIndex(where: { $0.id > id }) {
                s.events.removeFirst(keep)
            } else {
                s.events.removeAll()
            }
        }
    }

    /// The highest acknowledged id whose row is still in the table, if any.
    var deletableThrough: Int64? {
        state.withLock { $0.acknowledged > $0.deleted ? $0.acknowledged : nil }
    }

    /// The highest acknowledged id (rows at or below it are not pending, deleted or not).
    var acknowledged: Int64 { state.withLock(\.acknowledged) }

    /// After a commit, on the writer's queue: the events it inserted and the rows it deleted.
    func committed(_ inserted: [PendingOutboxEvent], deletedThrough: Int64?) {
        state.withLock { s in
            if let deletedThrough { s.deleted = max(s.deleted, deletedThrough) }
            guard s.whole, !inserted.isEmpty else { return }
            if s.events.count + inserted.count > Self.capacity {
                s.whole = false
                s.events.removeAll()
            } else {
                s.events += inserted
            }
        }
    }

    /// After reading the table on the writer's queue (no commit in between): `rows` are the
    /// first unacknowledged ones; when they are fewer than asked for they are all of them,
    /// and the mirror holds the tail from here on.
    func loaded(_ rows: [PendingOutboxEvent], complete: Bool) {
        state.withLock { s in
            guard complete else { return }
            s.events = rows.filter { $0.id > s.acknowledged }
            s.whole = true
        }
    }
}

/// The outbox events one write transaction inserts, handed to the mirror once it commits.
final class OutboxInserts {
    var events: [PendingOutboxEvent] = []
}
