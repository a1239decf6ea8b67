import Foundation
import GRDB

/// One account's copy of a blob, as `blobs.sqlite` records it.
public struct BlobRecord: Sendable, Equatable {
    public let did: String
    public let cid: String
    public let mimeType: String
    public let size: Int64
    public let createdAt: Date
    /// When the blob last became unreferenced (its upload, or the release of its last
    /// reference); nil while a record references it.
    public let tempSince: Date?
    /// True while at least one record references the blob.
    public let permanent: Bool
    /// Set when a moderator has taken the blob down: it is then not served.
    public let takedownRef: String?

    init(row: Row) {
        did = row["did"]
        cid = row["cid"]
        mimeType = row["mimeType"]
        size = row["size"]
        createdAt = Date(timeIntervalSince1970: row["createdAt"])
        tempSince = (row["tempSince"] as Double?).map { Date(timeIntervalSince1970: $0) }
        permanent = row["permanent"]
        takedownRef = row["takedownRef"]
    }
}

/// An account's storage figures.
public struct AccountUsage: Sendable, Equatable {
    public let bytes: Int64
    public let blobs: Int64
}

/// `blobs.sqlite`: who uploaded which blob, what references it, and each account's totals.
///
/// Bytes live in a `BlobStore` keyed by CID alone; rows here are per (did, cid), so two
/// accounts uploading the same bytes share one stored copy but each own a row (and each pay
/// for it in their totals). `pending_put` journals bytes being written before their row
/// exists, so a crash between the two leaves something the sweep can find and remove.
final class BlobIndex: Sendable {
    let pool: DatabasePool

    init(path: String, disableWALAutoCheckpoint: Bool) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            // WAL (DatabasePool's mode) with NORMAL sync: durable at checkpoints, never corrupt.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if disableWALAutoCheckpoint { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        config.busyMode = .timeout(10)
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        pool = try DatabasePool(path: path, configuration: config)
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE blob (
                    did TEXT NOT NULL, cid TEXT NOT NULL, mimeType TEXT NOT NULL, size INTEGER NOT NULL,
                    createdAt REAL NOT NULL, tempSince REAL, permanent INTEGER NOT NULL DEFAULT 0,
                    takedownRef TEXT,
                    PRIMARY KEY (did, cid));
                CREATE INDEX blob_cid ON blob (cid);
                CREATE INDEX blob_temp ON blob (permanent, tempSince);
                CREATE TABLE record_blob (
                    did TEXT NOT NULL, recordUri TEXT NOT NULL, cid TEXT NOT NULL, repoRev TEXT,
                    PRIMARY KEY (did, recordUri, cid));
                CREATE INDEX record_blob_cid ON record_blob (did, cid);
                CREATE TABLE account_usage (did TEXT PRIMARY KEY, bytes INTEGER NOT NULL, blobs INTEGER NOT NULL);
                CREATE TABLE pending_put (cid TEXT PRIMARY KEY, startedAt REAL NOT NULL);
                """)
        }
        try m.migrate(pool)
    }

    func record(did: String, cid: String) async throws -> BlobRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid]).map(BlobRecord.init)
        }
    }

    func usage(did: String) async throws -> AccountUsage {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT bytes, blobs FROM account_usage WHERE did = ?", arguments: [did])
            return AccountUsage(bytes: row?["bytes"] ?? 0, blobs: row?["blobs"] ?? 0)
        }
    }

    /// True when some account holds a row for `cid` (so its bytes must stay).
    func isHeld(cid: String) async throws -> Bool {
        try await pool.read { db in try Self.isHeld(db, cid: cid) }
    }

    static func isHeld(_ db: Database, cid: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM blob WHERE cid = ?)", arguments: [cid]) ?? false
    }

    /// Journals bytes about to be written for `cid`.
    func beginPut(cid: String, at now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO pending_put (cid, startedAt) VALUES (?, ?)",
                           arguments: [cid, now.timeIntervalSince1970])
        }
    }

    /// Records an upload: a new row (permanent at once if records already reference the CID,
    /// as after a repo import), or, for a blob the account already has, a fresh temp clock.
    func commitUpload(did: String, cid: String, mimeType: String, size: Int64, at now: Date, quota: Int64?) async throws -> BlobRecord {
        try await pool.write { db in
            defer { _ = try? db.execute(sql: "DELETE FROM pending_put WHERE cid = ?", arguments: [cid]) }
            if try Row.fetchOne(db, sql: "SELECT 1 FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid]) != nil {
                try db.execute(sql: "UPDATE blob SET tempSince = ? WHERE did = ? AND cid = ? AND permanent = 0",
                               arguments: [now.timeIntervalSince1970, did, cid])
                return try Row.fetchOne(db, sql: "SELECT * FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid]).map(BlobRecord.init)!
            }
            if let quota {
                let used = try Int64.fetchOne(db, sql: "SELECT bytes FROM account_usage WHERE did = ?", arguments: [did]) ?? 0
                if used + size > quota { throw BlobError.quotaExceeded(quota: quota) }
            }
            let referenced = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM record_blob WHERE did = ? AND cid = ?)",
                                               arguments: [did, cid]) ?? false
            try db.execute(sql: """
                INSERT INTO blob (did, cid, mimeType, size, createdAt, tempSince, permanent) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [did, cid, mimeType, size, now.timeIntervalSince1970,
                                 referenced ? nil : now.timeIntervalSince1970, referenced])
            try Self.addUsage(db, did: did, bytes: size, blobs: 1)
            return try Row.fetchOne(db, sql: "SELECT * FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid]).map(BlobRecord.init)!
        }
    }

    static func addUsage(_ db: Database, did: String, bytes: Int64, blobs: Int64) throws {
        try db.execute(sql: """
            INSERT INTO account_usage (did, bytes, blobs) VALUES (?, ?, ?)
            ON CONFLICT (did) DO UPDATE SET bytes = bytes + excluded.bytes, blobs = blobs + excluded.blobs
            """, arguments: [did, bytes, blobs])
    }

    /// Sets or clears (`ref` nil) a takedown; false when the account has no such blob.
    func setTakedown(did: String, cid: String, ref: String?) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE blob SET takedownRef = ? WHERE did = ? AND cid = ?", arguments: [ref, did, cid])
            return db.changesCount > 0
        }
    }
}
