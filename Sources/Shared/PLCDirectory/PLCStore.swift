import Foundation
import GRDB
import Identity
import IPLD

/// The directory's own database (`plc.sqlite`): every operation of every DID, in order,
/// with the nullified flag the recovery rule sets.
public final class PLCStore: Sendable {
    let pool: DatabasePool

    public init(path: String) throws {
        pool = try DatabasePool(path: path)
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE operation (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, did TEXT NOT NULL, cid TEXT NOT NULL UNIQUE,
                    operation TEXT NOT NULL, nullified INTEGER NOT NULL DEFAULT 0, createdAt REAL NOT NULL);
                CREATE INDEX operation_did ON operation (did, id);
                """)
        }
        try m.migrate(pool)
    }

    /// The DID's log, or nil when it has none.
    public func log(did: String) async throws -> PLCLog? {
        try await pool.read { db in try PLCStore.log(did: did, db: db) }
    }

    /// Validates `op` against the DID's log (or as its genesis) and stores it, in one
    /// transaction so two submissions cannot both extend the same prev.
    public func submit(did: String, _ op: PLCOperation, at time: Date = Date()) async throws {
        try await pool.write { db in
            var log: PLCLog
            if let existing = try PLCStore.log(did: did, db: db) {
                log = existing
                try log.append(op, at: time)
            } else {
                log = try PLCLog.genesis(op, did: did, at: time)
            }
            // Persist the nullified flags the append may have changed, then the new entry.
            for e in log.entries where e.nullified {
                try db.execute(sql: "UPDATE operation SET nullified = 1 WHERE cid = ?", arguments: [e.cid.string])
            }
            try db.execute(sql: "INSERT INTO operation (did, cid, operation, nullified, createdAt) VALUES (?, ?, ?, 0, ?)",
                           arguments: [did, op.cid.string, DataModelJSON.string(op.value), time.timeIntervalSince1970])
        }
    }

    static func log(did: String, db: Database) throws -> PLCLog? {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM operation WHERE did = ? ORDER BY id", arguments: [did])
        guard !rows.isEmpty else { return nil }
        let entries = try rows.map { row -> PLCLog.Entry in
            let op = try PLCOperation(try DataModelJSON.parse(row["operation"] as String))
            return PLCLog.Entry(operation: op, cid: try CID(string: row["cid"]), nullified: row["nullified"],
                                createdAt: Date(timeIntervalSince1970: row["createdAt"]))
        }
        return PLCLog(did: did, entries: entries)
    }
}
