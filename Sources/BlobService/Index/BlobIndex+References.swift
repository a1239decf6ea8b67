import Foundation
import GRDB

/// Record → blob references: what makes a blob permanent, and what a migrating account
/// still has to upload.
extension BlobIndex {
    /// Records that `recordURI` references `cids`, making those blobs permanent.
    ///
    /// With `requireStored` (a normal write), every CID must be an uploaded, not taken-down
    /// blob of the account, or nothing changes and `BlobNotFound` names the first missing
    /// one. Without it (a repo import), references to blobs not uploaded yet are kept, and
    /// `listMissingBlobs` reports them.
    func markReferenced(did: String, recordURI: String, cids: [String], repoRev: String?, requireStored: Bool) async throws {
        try await pool.write { db in
            if requireStored {
                for cid in cids {
                    let row = try Row.fetchOne(db, sql: "SELECT takedownRef FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid])
                    guard let row, (row["takedownRef"] as String?) == nil else { throw BlobError.blobNotFound(cid) }
                }
            }
            for cid in cids {
                try db.execute(sql: """
                    INSERT INTO record_blob (did, recordUri, cid, repoRev) VALUES (?, ?, ?, ?)
                    ON CONFLICT (did, recordUri, cid) DO UPDATE SET repoRev = coalesce(excluded.repoRev, repoRev)
                    """, arguments: [did, recordURI, cid, repoRev])
                try db.execute(sql: "UPDATE blob SET permanent = 1, tempSince = NULL WHERE did = ? AND cid = ?", arguments: [did, cid])
            }
        }
    }

    /// Drops every reference `recordURI` holds (the record was deleted or rewritten). A blob
    /// left with no reference becomes temporary again, its clock starting `now`, so a
    /// delete-then-recreate within the TTL finds it still there. Returns those CIDs.
    @discardableResult
    func releaseReferences(did: String, recordURI: String, at now: Date) async throws -> [String] {
        try await pool.write { db in
            let cids = try String.fetchAll(db, sql: "SELECT cid FROM record_blob WHERE did = ? AND recordUri = ?", arguments: [did, recordURI])
            try db.execute(sql: "DELETE FROM record_blob WHERE did = ? AND recordUri = ?", arguments: [did, recordURI])
            var released = [String]()
            for cid in cids {
                let stillReferenced = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM record_blob WHERE did = ? AND cid = ?)",
                                                        arguments: [did, cid]) ?? false
                if stillReferenced { continue }
                try db.execute(sql: "UPDATE blob SET permanent = 0, tempSince = ? WHERE did = ? AND cid = ? AND permanent = 1",
                               arguments: [now.timeIntervalSince1970, did, cid])
                if db.changesCount > 0 { released.append(cid) }
            }
            return released
        }
    }

    /// The record URIs referencing a blob of the account.
    func references(did: String, cid: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT recordUri FROM record_blob WHERE did = ? AND cid = ? ORDER BY recordUri",
                                arguments: [did, cid])
        }
    }

    /// Of `cids`, those the account has not uploaded.
    func missing(did: String, cids: [String]) async throws -> [String] {
        try await pool.read { db in
            try cids.filter { cid in
                try Row.fetchOne(db, sql: "SELECT 1 FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid]) == nil
            }
        }
    }

    /// Referenced but not uploaded blobs, by CID after `cursor` (`listMissingBlobs`).
    func listMissing(did: String, cursor: String?, limit: Int) async throws -> [(cid: String, recordURI: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.cid, min(r.recordUri) AS recordUri FROM record_blob r
                WHERE r.did = ? AND r.cid > ? AND NOT EXISTS (SELECT 1 FROM blob b WHERE b.did = r.did AND b.cid = r.cid)
                GROUP BY r.cid ORDER BY r.cid LIMIT ?
                """, arguments: [did, cursor ?? "", limit]).map { ($0["cid"], $0["recordUri"]) }
        }
    }

    /// The account's stored, referenced, not taken-down blobs by CID after `cursor`; with
    /// `since`, only those referenced from a repo revision after it (`sync.listBlobs`).
    func listBlobs(did: String, since: String?, cursor: String?, limit: Int) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT r.cid FROM record_blob r JOIN blob b ON b.did = r.did AND b.cid = r.cid
                WHERE r.did = ? AND r.cid > ? AND b.takedownRef IS NULL
                  AND (? IS NULL OR (r.repoRev IS NOT NULL AND r.repoRev > ?))
                ORDER BY r.cid LIMIT ?
                """, arguments: [did, cursor ?? "", since, since, limit])
        }
    }

    /// Replaces every record → blob reference of the account with `records` (a repo import):
    /// blobs referenced now turn permanent, ones no longer referenced temporary from `now`.
    func replaceReferences(did: String, records: [(uri: String, cids: [String])], repoRev: String?, at now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM record_blob WHERE did = ?", arguments: [did])
            let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO record_blob (did, recordUri, cid, repoRev) VALUES (?, ?, ?, ?)")
            for (uri, cids) in records {
                for cid in cids { try insert.execute(arguments: [did, uri, cid, repoRev]) }
            }
            try db.execute(sql: """
                UPDATE blob SET permanent = 1, tempSince = NULL
                WHERE did = ? AND EXISTS (SELECT 1 FROM record_blob r WHERE r.did = blob.did AND r.cid = blob.cid)
                """, arguments: [did])
            try db.execute(sql: """
                UPDATE blob SET permanent = 0, tempSince = ?
                WHERE did = ? AND permanent = 1 AND NOT EXISTS (SELECT 1 FROM record_blob r WHERE r.did = blob.did AND r.cid = blob.cid)
                """, arguments: [now.timeIntervalSince1970, did])
        }
    }

    /// Distinct blobs the account's records reference, and how many of them are stored.
    func referenceCounts(did: String) async throws -> (expected: Int, imported: Int) {
        try await pool.read { db in
            let expected = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT cid) FROM record_blob WHERE did = ?", arguments: [did]) ?? 0
            let imported = try Int.fetchOne(db, sql: """
                SELECT COUNT(DISTINCT r.cid) FROM record_blob r JOIN blob b ON b.did = r.did AND b.cid = r.cid WHERE r.did = ?
                """, arguments: [did]) ?? 0
            return (expected, imported)
        }
    }
}
