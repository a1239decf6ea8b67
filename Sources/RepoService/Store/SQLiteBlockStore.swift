import GRDB
import IPLD
import Repo

/// A ``BlockStore`` over an account's `repo_block` table, valid inside one database access.
///
/// New blocks are staged in memory, not written: a write keeps only the blocks its commit
/// needs (intermediate MST nodes of a multi-op write never reach disk) and stores them
/// in the same transaction as the commit.
final class SQLiteBlockStore: BlockStore {
    private let db: Database
    private(set) var staged: [CID: [UInt8]] = [:]

    init(_ db: Database) { self.db = db }

    func block(_ cid: CID) throws(RepoError) -> [UInt8]? {
        if let b = staged[cid] { return b }
        do {
            // A prepared statement reused for every block: an export reads tens of thousands.
            let statement = try db.cachedStatement(sql: "SELECT content FROM repo_block WHERE cid = ?")
            let data = try Data.fetchOne(statement, arguments: [Data(cid.bytes)])
            return data.map { [UInt8]($0) }
        } catch {
            throw .malformed("reading block \(cid): \(error)")
        }
    }

    func put(_ cid: CID, _ bytes: [UInt8]) { staged[cid] = bytes }

    /// Writes blocks to the table, tagged with the commit's rev.
    static func insert(_ blocks: [(CID, [UInt8])], rev: String, into db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO repo_block (cid, repoRev, size, content) VALUES (?, ?, ?, ?)")
        for (cid, bytes) in blocks {
            try statement.execute(arguments: [Data(cid.bytes), rev, bytes.count, Data(bytes)])
        }
    }
}

import Foundation
