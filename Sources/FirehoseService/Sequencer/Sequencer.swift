import Foundation
import GRDB
import Storage
import EventStream
import IPLD

/// An event as sequenced: its `seq`, kind and body (with `seq` set).
public struct SequencedEvent: Sendable, Equatable {
    public let seq: Int64
    public let kind: EventKind
    public let did: String
    public let body: DataValue
    public let sequencedAt: Date

    /// The event as one stream frame.
    public var frame: [UInt8] { EventFrame.message(kind, body: body) }
}

/// `sequencer.sqlite`: the durable, gapless global order of repo events.
///
/// Every event gets the next `seq` in a write transaction (one writer, so seqs never
/// interleave or skip); a re-sent event (same DID, kind and dedupe key — the commit's rev)
/// gets its original seq back instead of a new one, so producers can retry after a crash.
public final class Sequencer: Sendable {
    let pool: DatabasePool
    /// Checkpoints beside the writer (every event waits for the writer, so it must never
    /// stall on a checkpoint's fsyncs); nil when an external replicator owns checkpoints.
    let checkpointer: WALCheckpointer?

    public init(path: String, options: SQLiteOptions = SQLiteOptions()) throws {
        pool = try DatabasePool(path: path, configuration: options.configuration)
        checkpointer = try options.checkpointer(for: pool, path: path)
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE repo_seq (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, did TEXT NOT NULL, eventType TEXT NOT NULL,
                    dedupeKey TEXT NOT NULL, event BLOB NOT NULL, sequencedAt REAL NOT NULL,
                    UNIQUE (did, eventType, dedupeKey));
                CREATE INDEX repo_seq_time ON repo_seq (sequencedAt);
                """)
        }
        try m.migrate(pool)
    }

    /// One event to sequence (body without `seq`).
    public struct Submission: Sendable {
        public let did: String
        public let kind: EventKind
        public let dedupeKey: String
        public let body: DataValue
        public init(did: String, kind: EventKind, dedupeKey: String, body: DataValue) {
            self.did = did; self.kind = kind; self.dedupeKey = dedupeKey; self.body = body
        }
    }

    /// Sequences an event (body without `seq`); returns its seq and whether it was new.
    @discardableResult
    public func append(did: String, kind: EventKind, dedupeKey: String, body: DataValue, at time: Date = Date()) async throws -> (seq: Int64, isNew: Bool) {
        try await append([Submission(did: did, kind: kind, dedupeKey: dedupeKey, body: body)], at: time)[0]
    }

    /// Sequences events in order, all in one transaction (a relay's batch costs one commit,
    /// not one each); answers each one's seq and whether it was new.
    public func append(_ events: [Submission], at time: Date = Date()) async throws -> [(seq: Int64, isNew: Bool)] {
        let encoded = events.map { Data(DAGCBOR.encode($0.body)) }
        return try await pool.write { db in
            let find = try db.cachedStatement(sql: "SELECT seq FROM repo_seq WHERE did = ? AND eventType = ? AND dedupeKey = ?")
            let insert = try db.cachedStatement(sql: "INSERT INTO repo_seq (did, eventType, dedupeKey, event, sequencedAt) VALUES (?, ?, ?, ?, ?)")
            var results: [(seq: Int64, isNew: Bool)] = []
            for (e, bytes) in zip(events, encoded) {
                if let existing = try Int64.fetchOne(find, arguments: [e.did, e.kind.rawValue, e.dedupeKey]) {
                    results.append((existing, false))
                    continue
                }
                try insert.execute(arguments: [e.did, e.kind.rawValue, e.dedupeKey, bytes, time.timeIntervalSince1970])
                results.append((db.lastInsertedRowID, true))
            }
            return results
        }
    }

    /// Events with seq greater than `cursor`, in order.
    public func events(after cursor: Int64, limit: Int = 500) async throws -> [SequencedEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM repo_seq WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [cursor, limit]).map(Sequencer.event)
        }
    }

    /// The newest seq (0 when empty).
    public func currentSeq() async throws -> Int64 {
        try await pool.read { db in
            // sqlite_sequence keeps the high-water mark even after pruning everything.
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'repo_seq'") ?? 0
        }
    }

    /// The oldest retained event's seq and time, if any.
    public func oldest() async throws -> (seq: Int64, at: Date)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT seq, sequencedAt FROM repo_seq ORDER BY seq LIMIT 1").map {
                ($0["seq"], Date(timeIntervalSince1970: $0["sequencedAt"]))
            }
        }
    }

    /// Deletes events sequenced before `cutoff`; returns how many.
    @discardableResult
    public func prune(before cutoff: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM repo_seq WHERE sequencedAt < ?", arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }

    static func event(_ row: Row) throws -> SequencedEvent {
        let seq: Int64 = row["seq"]
        var body = try DAGCBOR.decode([UInt8](row["event"] as Data))
        if case .map(var m) = body {
            m["seq"] = .int(seq)
            body = .map(m)
        }
        return SequencedEvent(seq: seq, kind: EventKind(rawValue: row["eventType"]) ?? .info, did: row["did"], body: body,
                              sequencedAt: Date(timeIntervalSince1970: row["sequencedAt"]))
    }

    /// A consistent snapshot of this database at `destination` (for backups), taken while
    /// writes continue.
    public func snapshot(to destination: URL) throws -> SQLiteSnapshot.Result {
        try SQLiteSnapshot.write(pool, to: destination)
    }

}
