import Foundation
import GRDB
import IPLD
import Repo

/// Dropping the blocks a commit leaves behind, so an account's store holds its current repo
/// and not every version of it (the reference PDS deletes them the same way).
extension ActorStore {
    /// Deletes, in the commit's transaction, the previous commit block, the MST nodes only the
    /// previous tree had, and each record block the commit replaced or deleted that no other
    /// key still points to (identical records share one block). Runs after the record index
    /// has been updated, which is what "still points to" is checked against.
    static func dropSuperseded(by result: CommitResult, db: Database) throws {
        let delete = try db.cachedStatement(sql: "DELETE FROM repo_block WHERE cid = ?")
        if let previous = result.previousCommitCID, previous != result.commitCID {
            try delete.execute(arguments: [Data(previous.bytes)])
        }
        for node in result.removedNodes { try delete.execute(arguments: [Data(node.bytes)]) }
        let stillUsed = try db.cachedStatement(sql: "SELECT 1 FROM record WHERE cid = ? LIMIT 1")
        var checked = Set<CID>()
        for op in result.ops {
            guard let old = op.old, old != op.new, checked.insert(old).inserted else { continue }
            if try Int.fetchOne(stillUsed, arguments: [old.string]) == nil {
                try delete.execute(arguments: [Data(old.bytes)])
            }
        }
    }

    /// Records that this store's `repo_block` holds exactly the blocks of the current repo.
    static func markBlocksLive(_ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO repo_meta (name, value) VALUES ('blocks', 'live')")
    }

    /// Whether `repo_block` is known to hold exactly the current repo (see `markBlocksLive`);
    /// stores written before superseded blocks were dropped are not, until rebuilt.
    static func blocksAreLive(_ db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT value FROM repo_meta WHERE name = 'blocks'") == "live"
    }
}
