import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// Runs a database's WAL checkpoints on a connection and a thread of their own, so that its
/// writer never waits for one.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses the threshold: that
/// commit then copies every page back and waits for two fsyncs, which on a busy disk took
/// up to 150 ms. For `sequencer.sqlite` that stalled every event of the firehose at once.
/// Here the writer's WAL hook (called after each commit with the WAL's size, and doing no
/// I/O) only asks for a checkpoint; a PASSIVE checkpoint then runs beside the writer.
/// (Per-account stores keep SQLite's own checkpoints: moving theirs made no measurable
/// difference to firehose latency and cost RepoService about a point of CPU.)
///
/// A checkpoint beside a busy writer is never quite finished (frames arrive while it runs),
/// and SQLite starts the WAL over only after one that is. So once the WAL reaches `limit`
/// frames the writer checkpoints itself, as SQLite would: rarely, and with little left to
/// copy, the background having done the rest.
///
/// The owner of the pool keeps the checkpointer; nothing needs undoing when both go. The
/// hook finds its checkpointer by the writer connection, and a writer whose checkpointer
/// is gone checkpoints itself at `threshold`, as SQLite's own hook would.
public final class WALCheckpointer: Sendable {
    /// The database file.
    public let path: String
    /// SQLite's own automatic checkpoint threshold, in WAL frames.
    public static let sqliteThreshold: Int32 = 1_000
    /// WAL frames (pages) after which a checkpoint is asked for: SQLite's own by default.
    public let threshold: Int32
    /// WAL frames at which the writer checkpoints itself.
    public let limit: Int32
    /// The writer connection's address, its key in `registry`.
    private let writer: UInt
    private let queue = DispatchQueue(label: "pds.wal-checkpoint")
    private struct State {
        var running = false
        var checkpoints = 0
    }
    private let state = Mutex(State())

    /// Checkpointers by writer connection. Weak: the registry must not keep one alive, and
    /// an entry is removed when its checkpointer goes (if it is still that one's). A class:
    /// a struct holding the weak reference crashed debug builds (Swift 6.3,
    /// `dict[missing]?.weakField` loads a null weak reference at -Onone).
    private final class Entry {
        weak var checkpointer: WALCheckpointer?
        let id: ObjectIdentifier
        init(_ checkpointer: WALCheckpointer) {
            self.checkpointer = checkpointer
            id = ObjectIdentifier(checkpointer)
        }
    }
    private static let registry = Mutex<[UInt: Entry]>([:])

    private init(path: String, threshold: Int32, limit: Int32, writer: UInt) {
        self.path = path
        self.threshold = threshold
        self.limit = limit
        self.writer = writer
    }

    deinit {
        let id = ObjectIdentifier(self)
        _ = Self.registry.withLock { r in
            if r[writer]?.id == id { r[writer] = nil }
        }
    }

    /// Takes over `pool`'s checkpoints: turns the automatic ones off and checkpoints in the
    /// background once the WAL holds `threshold` frames. Keep the result as long as the pool.
    public static func attach(to pool: DatabasePool, path: String, threshold: Int32 = sqliteThreshold, limit: Int32 = 8_000) throws -> WALCheckpointer {
        try pool.writeWithoutTransaction { db in
            let writer = UInt(bitPattern: db.sqliteConnection)
            let checkpointer = WALCheckpointer(path: path, threshold: threshold, limit: max(threshold, limit), writer: writer)
            registry.withLock { $0[writer] = Entry(checkpointer) }
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            sqlite3_wal_hook(db.sqliteConnection, walHook, nil)
            return checkpointer
        }
    }

    /// The checkpointer of the writer connection `db`, if it is still there.
    fileprivate static func of(_ db: OpaquePointer?) -> WALCheckpointer? {
        registry.withLock { $0[UInt(bitPattern: db)]?.checkpointer }
    }

    /// Returns once a background checkpoint under way (or asked for) is done.
    public func waitForCheckpoint() { queue.sync {} }

    /// How many checkpoints have run (for tests).
    public var checkpoints: Int { state.withLock(\.checkpoints) }

    /// From the writer's WAL hook, after a commit: the WAL now holds `frames` frames.
    fileprivate func walGrew(to frames: Int32, writer: OpaquePointer?) {
        guard frames >= threshold else { return }
        if frames >= limit {
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            state.withLock { $0.checkpoints += 1 }
            return
        }
        let start = state.withLock { s in
            if s.running { return false }
            s.running = true
            return true
        }
        if start { queue.async { self.checkpoint() } }
    }

    /// Checkpoints what it can without waiting for the writer or readers (PASSIVE); frames
    /// a reader still needs stay for the next one. The connection is opened for the
    /// checkpoint and closed after it: next to copying and syncing megabytes that costs
    /// nothing, and no file stays open for a database its owner has closed.
    public func checkpoint() {
        // Read-write without CREATE: a database removed meanwhile is not brought back.
        var db: OpaquePointer?
        if sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK {
            sqlite3_exec(db, "PRAGMA synchronous = NORMAL", nil, nil, nil)
            sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
        sqlite3_close_v2(db)
        state.withLock { s in
            s.running = false
            s.checkpoints += 1
        }
    }
}

/// The writer connection's WAL hook: it runs inside the commit, so no I/O here unless the
/// WAL is at its limit (or its checkpointer is gone and the writer is on its own).
private func walHook(_ context: UnsafeMutableRawPointer?, _ db: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ frames: Int32) -> Int32 {
    if let checkpointer = WALCheckpointer.of(db) {
        checkpointer.walGrew(to: frames, writer: db)
    } else if frames >= WALCheckpointer.sqliteThreshold {
        sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
    return SQLITE_OK
}
