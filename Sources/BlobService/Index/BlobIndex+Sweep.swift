import Foundation
import GRDB

/// The queries behind garbage collection.
extension BlobIndex {
    /// Unreferenced rows whose temp clock started before `cutoff`.
    func expired(before cutoff: Date, limit: Int) async throws -> [(did: String, cid: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT did, cid FROM blob WHERE permanent = 0 AND tempSince < ? ORDER BY tempSince LIMIT ?
                """, arguments: [cutoff.timeIntervalSince1970, limit]).map { ($0["did"], $0["cid"]) }
        }
    }

    /// Deletes the row if it is still expired and unreferenced (checked again inside the
    /// write, since a record may have referenced it since it was listed). Returns its size
    /// when deleted, and whether any account still holds the CID.
    func deleteIfExpired(did: String, cid: String, before cutoff: Date) async throws -> (freed: Int64?, stillHeld: Bool) {
        try await pool.write { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT size FROM blob WHERE did = ? AND cid = ? AND permanent = 0 AND tempSince < ?
                  AND NOT EXISTS (SELECT 1 FROM record_blob r WHERE r.did = blob.did AND r.cid = blob.cid)
                """, arguments: [did, cid, cutoff.timeIntervalSince1970])
            guard let size = row?["size"] as Int64? else { return (nil, try Self.isHeld(db, cid: cid)) }
            try db.execute(sql: "DELETE FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid])
            try Self.addUsage(db, did: did, bytes: -size, blobs: -1)
            return (size, try Self.isHeld(db, cid: cid))
        }
    }

    /// CIDs whose bytes were being written before `cutoff` and never got a row.
    func stalePending(before cutoff: Date) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT cid FROM pending_put WHERE startedAt < ?", arguments: [cutoff.timeIntervalSince1970])
        }
    }

    func clearPending(cid: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM pending_put WHERE cid = ?", arguments: [cid]) }
    }

    /// Forgets an account: its rows, references and totals. Returns the CIDs no account
    /// holds any more, whose bytes may go.
    func deleteAccount(did: String) async throws -> [String] {
        try await pool.write { db in
            let cids = try String.fetchAll(db, sql: "SELECT cid FROM blob WHERE did = ?", arguments: [did])
            try db.execute(sql: "DELETE FROM blob WHERE did = ?", arguments: [did])
            try db.execute(sql: "DELETE FROM record_blob WHERE did = ?", arguments: [did])
            try db.execute(sql: "DELETE FROM account_usage WHERE did = ?", arguments: [did])
            return try cids.filter { try !Self.isHeld(db, cid: $0) }
        }
    }
}
