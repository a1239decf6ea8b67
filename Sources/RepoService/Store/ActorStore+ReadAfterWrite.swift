import Foundation
import GRDB
import IPLD

/// A record with the time this PDS indexed it.
public struct IndexedStoredRecord: Sendable, Equatable {
    public let record: StoredRecord
    public let indexedAt: String
}

extension ActorStore {
    /// The head, read without blocking the calling thread: a synchronous read on a cooperative
    /// thread, many at once, stalled the service for its whole IPC timeout while async reads
    /// of other calls waited for a thread to finish on (found with the proxy at c=16).
    public func currentHead() async throws -> (cid: CID, rev: String)? {
        try await pool.read { [did] db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT cid, rev FROM repo_root WHERE did = ?"), arguments: [did]) else { return nil }
            return (try CID(string: row["cid"]), row["rev"])
        }
    }

    /// What read-after-write needs: the first `limit` records written after `rev`, oldest
    /// first. Records are indexed by the rev of the commit that last wrote them, so one written
    /// after the AppView's rev is exactly one whose `repoRev` sorts after it (TIDs sort as
    /// text). As the reference: when no record is at or before `rev`, the rev is not one of
    /// this repo's history (an account that moved here) and nothing is answered.
    public func records(since rev: String, limit: Int) async throws -> [IndexedStoredRecord] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT uri, cid, indexedAt FROM record WHERE repoRev > ? AND takedownRef IS NULL
                ORDER BY repoRev ASC LIMIT ?
                """, arguments: [rev, max(1, min(limit, 100))])
            guard !rows.isEmpty,
                  try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM record WHERE repoRev <= ?)", arguments: [rev]) == true else {
                return []
            }
            return try rows.compactMap { row -> IndexedStoredRecord? in
                let cid = try CID(string: row["cid"])
                guard let bytes = try ActorStore.blockBytes(cid, db) else { return nil }
                return IndexedStoredRecord(record: StoredRecord(uri: row["uri"], cid: cid, bytes: bytes), indexedAt: row["indexedAt"])
            }
        }
    }
}
