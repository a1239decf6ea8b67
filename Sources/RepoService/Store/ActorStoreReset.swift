import ATCrypto
import Foundation
import GRDB
import IPLD
import Repo
import Syntax

/// What `ActorStore.rebuild` did.
public struct RebuiltRepo: Sendable {
    public let commitCID: CID
    public let rev: String
    public let records: Int
    public let droppedBlocks: Int
}

extension ActorStore {
    /// Queues a `#sync` of the current head in the outbox (an account reactivated).
    public func announceSync() async throws -> (cid: CID, rev: String) {
        try await writeTransaction { [did] db, inserts in
            let (cid, rev) = try ActorStore.headRow(db, did: did)
            guard let commit = try ActorStore.blockBytes(cid, db) else { throw RepoError.missingBlock(cid) }
            try OutboxEvent(syncing: commit, did: did, rev: rev).insert(into: db, inserts)
            return (cid, rev)
        }
    }

    /// Resets the repo: builds the MST afresh from the record index (the source of truth if
    /// the tree is damaged), signs a commit for it with no history behind it, keeps only the
    /// blocks of that repo and queues a `#sync`, all in one transaction. As the reference
    /// PDS's `rebuild-repo`; also compacts a store written before superseded blocks were
    /// dropped. Fails, changing nothing, if a record's block is missing.
    public func rebuild(key: any SigningKey, clock: TIDClock) async throws -> RebuiltRepo {
        try await writeTransaction { [did] db, inserts in
            let (_, previousRev) = try ActorStore.headRow(db, did: did)
            let prefix = "at://\(did)/"
            var entries: [(key: String, value: CID)] = []
            let present = try db.cachedStatement(sql: "SELECT 1 FROM repo_block WHERE cid = ?")
            for row in try Row.fetchAll(db, sql: "SELECT uri, cid FROM record") {
                let uri: String = row["uri"]
                guard uri.hasPrefix(prefix) else { throw RepoServiceError.invalidRequest("record \(uri) is not in \(did)'s repo") }
                let cid = try CID(string: row["cid"])
                guard try Int.fetchOne(present, arguments: [Data(cid.bytes)]) != nil else { throw RepoError.missingBlock(cid) }
                entries.append((String(uri.dropFirst(prefix.count)), cid))
            }
            let staging = SQLiteBlockStore(db)
            let tree = try MST.build(entries, store: staging)
            // Building starts from an empty tree, whose node is staged even when the result is not empty.
            var nodes = staging.staged
            if tree.root != MST.emptyRoot { nodes[MST.emptyRoot] = nil } else { nodes[MST.emptyRoot] = MSTNode.empty.encode() }
            let rev = ActorStore.nextRev(after: previousRev, clock: clock)
            let commit = try Commit.sign(did: did, data: tree.root, rev: rev, key: key)
            let commitBytes = commit.bytes
            let commitCID = CID.compute(.dagCBOR, of: commitBytes)

            // Keep the new commit, the new tree's nodes and the records; drop everything else.
            try db.execute(sql: "CREATE TEMP TABLE live_block (cid BLOB PRIMARY KEY) WITHOUT ROWID")
            defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.live_block") }
            let keep = try db.makeStatement(sql: "INSERT OR IGNORE INTO live_block (cid) VALUES (?)")
            for cid in [commitCID] + Array(nodes.keys) + entries.map(\.value) {
                try keep.execute(arguments: [Data(cid.bytes)])
            }
            try db.execute(sql: "DELETE FROM repo_block WHERE cid NOT IN (SELECT cid FROM live_block)")
            let dropped = db.changesCount
            try SQLiteBlockStore.insert([(commitCID, commitBytes)] + nodes.map { ($0.key, $0.value) }, rev: rev, into: db)
            try db.execute(sql: "UPDATE repo_root SET cid = ?, rev = ?, indexedAt = ? WHERE did = ?",
                           arguments: [commitCID.string, rev, ATDatetime(Date()).string, did])
            try OutboxEvent(syncing: commitBytes, did: did, rev: rev).insert(into: db, inserts)
            try ActorStore.markBlocksLive(db)
            return RebuiltRepo(commitCID: commitCID, rev: rev, records: entries.count, droppedBlocks: dropped)
        }
    }

    /// The head commit's CID and rev, read inside a transaction (every write starts here).
    static func headRow(_ db: Database, did: String) throws -> (CID, String) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT cid, rev FROM repo_root WHERE did = ?"), arguments: [did]) else {
            throw RepoServiceError.repoNotFound(did)
        }
        return (try CID(string: row["cid"]), row["rev"])
    }
}
