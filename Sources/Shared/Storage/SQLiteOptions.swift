import GRDB

/// How every SQLite file of the project is opened: WAL, `synchronous=NORMAL` (durable at
/// checkpoints, never corrupt), and automatic checkpoints unless an external replicator
/// (Litestream) owns them (`PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT=true`).
public struct SQLiteOptions: Sendable {
    public var disableWALAutoCheckpoint: Bool
    /// Page cache limits in KiB for the writer and for each reader connection (nil: SQLite's
    /// default, about 2 MiB each), and how many reader connections a pool may open (nil: GRDB's
    /// default, 5). Per-account stores set them small: hundreds are open at once, and with
    /// the defaults each would keep its whole database in memory several times over.
    public var writerCacheKiB: Int?
    public var readerCacheKiB: Int?
    public var maximumReaders: Int?

    public init(disableWALAutoCheckpoint: Bool = false, writerCacheKiB: Int? = nil, readerCacheKiB: Int? = nil,
                maximumReaders: Int? = nil) {
        self.disableWALAutoCheckpoint = disableWALAutoCheckpoint
        self.writerCacheKiB = writerCacheKiB
        self.readerCacheKiB = readerCacheKiB
        self.maximumReaders = maximumReaders
    }

    /// These options with the small caches of a per-account store.
    public var perAccountStore: SQLiteOptions {
        var options = self
        options.writerCacheKiB = 512
        options.readerCacheKiB = 256
        options.maximumReaders = 2
        return options
    }

    /// Reads `PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT` from an environment.
    public init(environment: [String: String]) {
        self.init(disableWALAutoCheckpoint: environment["PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT"]?.lowercased() == "true")
    }

    /// Moves `pool`'s checkpoints off its writer's path (see `WALCheckpointer`), for a
    /// database whose writes something waits on; nil when an external replicator owns
    /// checkpoints. Keep the result as long as the pool.
    public func checkpointer(for pool: DatabasePool, path: String) throws -> WALCheckpointer? {
        disableWALAutoCheckpoint ? nil : try WALCheckpointer.attach(to: pool, path: path)
    }

    /// A GRDB configuration applying these options.
    public var configuration: Configuration {
        var config = Configuration()
        let disable = disableWALAutoCheckpoint
        let writerCache = writerCacheKiB, readerCache = readerCacheKiB
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if disable { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            if let kib = db.configuration.readonly ? readerCache : writerCache {
                try db.execute(sql: "PRAGMA cache_size = -\(kib)")
            }
        }
        if let maximumReaders { config.maximumReaderCount = maximumReaders }
        config.busyMode = .timeout(10)
        return config
    }
}
