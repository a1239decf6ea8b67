import GRDB

/// How every SQLite file of the project is opened: WAL, `synchronous=NORMAL` (durable at
/// checkpoints, never corrupt), and automatic checkpoints unless an external replicator
/// (Litestream) owns them (`PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT=true`).
public struct SQLiteOptions: Sendable {
    public var disableWALAutoCheckpoint: Bool

    public init(disableWALAutoCheckpoint: Bool = false) {
        self.disableWALAutoCheckpoint = disableWALAutoCheckpoint
    }

    /// Reads `PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT` from an environment.
    public init(environment: [String: String]) {
        self.init(disableWALAutoCheckpoint: environment["PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT"]?.lowercased() == "true")
    }

    /// A GRDB configuration applying these options.
    public var configuration: Configuration {
        var config = Configuration()
        let disable = disableWALAutoCheckpoint
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if disable { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        config.busyMode = .timeout(10)
        return config
    }
}
