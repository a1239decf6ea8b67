import ATCrypto
import Foundation
import GRDB
import IPLD
import Repo
import Syntax

extension ActorStore {
    /// Replaces the repo with a verified import in one transaction: the records, blocks and
    /// record → blob links of the store are dropped, the imported tree stored, and a commit
    /// of it signed with `key` (this PDS's key for the account) at a rev after both the
    /// store's and the imported one's. Importing the same repo again gives the same tree
    /// under a newer commit. With `announce` (an active account), a `#sync` of the new head
    /// is queued; a migrating account's is queued when it activates.
    public func importRepo(_ repo: ImportedRepo, key: any SigningKey, clock: TIDClock, announce: Bool) async throws -> RebuiltRepo {
        try await writeTransaction { [did] db, inserts in
            let (_, previousRev) = try ActorStore.headRow(db, did: did)
            let rev = ActorStore.nextRev(after: max(previousRev, repo.commit.rev), clock: clock)
            let commit = try Commit.sign(did: did, data: repo.commit.data, rev: rev, key: key)
            let commitBytes = commit.bytes
            let commitCID = CID.compute(.dagCBOR, of: commitBytes)
            let dropped = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM repo_block") ?? 0
            for table in ["record_blob", "record", "repo_block"] { try db.execute(sql: "DELETE FROM \(table)") }
            try SQLiteBlockStore.insert([(commitCID, commitBytes)] + repo.blocks, rev: rev, into: db)

            let now = ATDatetime(Date()).string
            let insertRecord = try db.makeStatement(sql: """
                INSERT INTO record (uri, cid, collection, rkey, repoRev, indexedAt) VALUES (?, ?, ?, ?, ?, ?)
                """)
            let insertBlob = try db.makeStatement(sql: "INSERT OR IGNORE INTO record_blob (blobCid, recordUri) VALUES (?, ?)")
            for (path, cid) in repo.entries {
                let slash = path.firstIndex(of: "/")!
                let uri = "at://\(did)/\(path)"
                try insertRecord.execute(arguments: [uri, cid.string, String(path[..<slash]), String(path[path.index(after: slash)...]), rev, now])
                for blob in repo.blobs[path] ?? [] { try insertBlob.execute(arguments: [blob.string, uri]) }
            }
            try db.execute(sql: "UPDATE repo_root SET cid = ?, rev = ?, indexedAt = ? WHERE did = ?",
                           arguments: [commitCID.string, rev, now, did])
            if announce { try OutboxEvent(syncing: commitBytes, did: did, rev: rev).insert(into: db, inserts) }
            try ActorStore.markBlocksLive(db)
            return RebuiltRepo(commitCID: commitCID, rev: rev, records: repo.entries.count, droppedBlocks: dropped)
        }
    }
}
