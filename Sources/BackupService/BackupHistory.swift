import Foundation
import GRDB
import Storage

/// `backup.sqlite`: the outcome of every backup run and restore drill.
final class BackupHistory: Sendable {
    let pool: DatabasePool

    init(path: String, options: SQLiteOptions) throws {
        pool = try DatabasePool(path: path, configuration: options.configuration)
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE run (id TEXT PRIMARY KEY, startedAt REAL NOT NULL, seconds REAL NOT NULL, complete INTEGER NOT NULL,
                                  files INTEGER NOT NULL, bytes INTEGER NOT NULL, error TEXT);
                CREATE TABLE drill (id INTEGER PRIMARY KEY AUTOINCREMENT, backupID TEXT NOT NULL, at REAL NOT NULL,
                                    passed INTEGER NOT NULL, problems TEXT NOT NULL);
                """)
        }
        try m.migrate(pool)
    }

    func recordRun(id: String, startedAt: Date, seconds: Double, complete: Bool, files: Int, bytes: Int64, error: String?) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO run VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [id, startedAt.timeIntervalSince1970, seconds, complete, files, bytes, error])
        }
    }

    func recordDrill(backupID: String, at: Date, passed: Bool, problems: [String]) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO drill (backupID, at, passed, problems) VALUES (?, ?, ?, ?)",
                           arguments: [backupID, at.timeIntervalSince1970, passed, problems.joined(separator: "\n")])
        }
    }

    func lastDrill() throws -> (at: Date, passed: Bool)? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT at, passed FROM drill ORDER BY id DESC LIMIT 1").map {
                (Date(timeIntervalSince1970: $0["at"]), $0["passed"])
            }
        }
    }
}
