import Foundation
import GRDB

/// Releasing a rewritten record's references while keeping those its new version still has.
extension BlobIndex {
    /// Drops the references `recordURI` holds to blobs not in `keeping`, and stamps the kept
    /// ones with `repoRev`. A blob left with no reference turns temporary from `now` (as in
    /// `releaseReferences`). Returns the blobs released.
    func releaseReferences(did: String, recordURI: String, keeping: Set<String>, repoRev: String?, at now: Date) async throws -> [String] {
        try await pool.write { db in
            let held = try String.fetchAll(db, sql: "SELECT cid FROM record_blob WHERE did = ? AND recordUri = ?", arguments: [did, recordURI])
            var released = [String]()
            for cid in held {
                if keeping.contains(cid) {
                    if let repoRev {
                        try db.execute(sql: "UPDATE record_blob SET repoRev = ? WHERE did = ? AND recordUri = ? AND cid = ?",
                                       arguments: [repoRev, did, recordURI, cid])
                    }
                    continue
                }
                try db.execute(sql: "DELETE FROM record_blob WHERE did = ? AND recordUri = ? AND cid = ?", arguments: [did, recordURI, cid])
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
}
