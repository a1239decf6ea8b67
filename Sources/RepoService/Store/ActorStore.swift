import ATCrypto
import Foundation
import GRDB
import Storage
import IPLD
import Repo
import Synchronization
import Syntax

/// One account's repository store: its own SQLite file (WAL) holding blocks, the record
/// index, blob references, preferences and the firehose outbox.
///
/// Writes are serialised by the database's single writer; reads run beside them. Each write
/// is one transaction: the records, the new MST blocks, the signed commit, the head and the
/// outbox event commit together or not at all.
public final class ActorStore: Sendable {
    public let did: String
    let pool: DatabasePool
    /// Decoded MST nodes of this repo, by CID. Only touched inside the write transaction.
    /// Small: a write needs the nodes on its path, and superseded ones pile up until the
    /// cache is cleared, so with 20,000 (and hundreds of stores open) RepoService held 2.2 GB
    /// at 1,000 accounts x 1,000 records. One cache shared by all stores was worse: writers to
    /// different repos contended on it and cleared it for each other (half the throughput).
    private let nodeCache: MSTNodeCache
    /// The outbox's unacknowledged events, in memory for the relay.
    let outbox = OutboxMirror()

    /// Opens (creating tables if needed) the store at `path`.
    public init(did: String, path: String, options: SQLiteOptions = SQLiteOptions(),
                nodeCache: MSTNodeCache = MSTNodeCache(capacity: 2_000)) throws {
        self.did = did
        self.nodeCache = nodeCache
        pool = try DatabasePool(path: path, configuration: options.configuration)
        try ActorStoreSchema.migrator.migrate(pool)
    }

    /// The current head, or nil for a store with no repo yet.
    public func head() throws -> (cid: CID, rev: String)? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT cid, rev FROM repo_root WHERE did = ?"), arguments: [did]) else { return nil }
            return (try CID(string: row["cid"]), row["rev"])
        }
    }

    /// Creates the repo with its first (empty) signed commit.
    /// Without `announce` (an account migrating here, deactivated until it activates) no
    /// event is queued.
    public func createRepo(key: any SigningKey, rev: String, announce: Bool = true) async throws -> CommitResult {
        try await writeTransaction { [did] db, inserts in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM repo_root") == 0 else {
                throw RepoServiceError.invalidRequest("repo already exists for \(did)")
            }
            let blocks = SQLiteBlockStore(db)
            let (_, result) = try Repository.create(did: did, key: key, rev: rev, store: blocks)
            try ActorStore.persist(result, did: did, recordValues: [:], db: db, inserts: inserts, announce: announce)
            guard announce else { try ActorStore.markBlocksLive(db); return result }
            // As the reference PDS: a new repo's #commit is followed by a #sync of its head, so
            // a relay starts the account from a known state.
            try OutboxEvent(syncing: result.commit.bytes, did: did, rev: rev).insert(into: db, inserts)
            try ActorStore.markBlocksLive(db)
            return result
        }
    }

    /// Applies writes atomically: one commit, signed with `key`, at a fresh `rev`.
    /// `swapCommit` must match the current head when given.
    public func applyWrites(_ writes: [RecordWrite], swapCommit: CID? = nil, swapRecords: [String: CID?] = [:],
                            key: any SigningKey, clock: TIDClock) async throws -> CommitResult {
        try await writeTransaction { [did, nodeCache] db, inserts in
            let (head, headRev) = try ActorStore.headRow(db, did: did)
            if let swapCommit, swapCommit != head {
                throw RepoServiceError.invalidSwap("Commit was at \(head)")
            }
            let blocks = SQLiteBlockStore(db)
            do {
                let cache = nodeCache
                let repo = try Repository(did: did, head: head, store: blocks, cache: cache)
                for (path, expected) in swapRecords {
                    let current = try repo.recordCID(path)
                    if current != expected {
                        throw RepoServiceError.invalidSwap("Record was at \(current?.string ?? "null")")
                    }
                }
                let result: CommitResult
                do {
                    result = try repo.apply(writes, key: key, rev: ActorStore.nextRev(after: headRev, clock: clock))
                } catch let e as RepoError {
                    switch e {
                    case .malformed(let m) where m.hasPrefix("no record"): throw RepoServiceError.recordNotFound(m)
                    case .malformed(let m) where m.hasPrefix("record already exists"): throw RepoServiceError.invalidRequest(m)
                    default: throw e
                    }
                }
                // The sync spec's cap on a commit's blocks, so its #commit frame stays within
                // what relays take; the transaction rolls back.
                let blockBytes = (result.newBlocks + result.proofBlocks).reduce(0) { $0 + $1.1.count }
                guard blockBytes <= ActorStore.maxCommitBlockBytes else {
                    throw RepoServiceError.invalidRequest("Commit too large: \(blockBytes) bytes of blocks (max \(ActorStore.maxCommitBlockBytes))")
                }
                var values: [String: DataValue] = [:]
                for w in writes {
                    if case .create(let p, let v) = w { values[p] = v }
                    if case .update(let p, let v) = w { values[p] = v }
                }
                try ActorStore.persist(result, did: did, recordValues: values, db: db, inserts: inserts)
                return result
            }
        }
    }

    /// The most bytes of blocks one commit may carry (the sync spec's `#commit` limit).
    public static let maxCommitBlockBytes = 2_000_000

    /// A rev after `previous`: the clock's next TID, bumped if the clock is behind.
    static func nextRev(after previous: String, clock: TIDClock) -> String {
        let next = clock.next()
        if next.string > previous { return next.string }
        let prior = (try? TID(previous))?.integer ?? 0
        return TID(integer: prior + 1).string
    }

    /// Stores a commit's blocks, index rows, head and outbox event.
    static func persist(_ result: CommitResult, did: String, recordValues: [String: DataValue], db: Database, inserts: OutboxInserts,
                        announce: Bool = true) throws {
        let rev = result.commit.rev
        let now = ATDatetime(Date()).string
        try SQLiteBlockStore.insert(result.newBlocks, rev: rev, into: db)
        // Cached statements: every commit runs these, and compiling them each time was a
        // visible share of a write's CPU.
        let unlinkBlobs = try db.cachedStatement(sql: "DELETE FROM record_blob WHERE recordUri = ?")
        for op in result.ops {
            let uri = "at://\(did)/\(op.path)"
            let parts = op.path.split(separator: "/", maxSplits: 1).map(String.init)
            try unlinkBlobs.execute(arguments: [uri])
            if let cid = op.new {
                try db.cachedStatement(sql: """
                    INSERT INTO record (uri, cid, collection, rkey, repoRev, indexedAt) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(uri) DO UPDATE SET cid = excluded.cid, repoRev = excluded.repoRev, indexedAt = excluded.indexedAt
                    """).execute(arguments: [uri, cid.string, parts[0], parts[1], rev, now])
                if let value = recordValues[op.path] {
                    for blob in Set(BlobRef.all(in: value).map(\.ref)) {
                        try db.cachedStatement(sql: "INSERT OR IGNORE INTO record_blob (blobCid, recordUri) VALUES (?, ?)")
                            .execute(arguments: [blob.string, uri])
                    }
                }
            } else {
                try db.cachedStatement(sql: "DELETE FROM record WHERE uri = ?").execute(arguments: [uri])
            }
        }
        try db.cachedStatement(sql: """
            INSERT INTO repo_root (did, cid, rev, indexedAt) VALUES (?, ?, ?, ?)
            ON CONFLICT(did) DO UPDATE SET cid = excluded.cid, rev = excluded.rev, indexedAt = excluded.indexedAt
            """).execute(arguments: [did, result.commitCID.string, rev, now])
        try dropSuperseded(by: result, db: db)
        if announce { try OutboxEvent(result: result, did: did, recordValues: recordValues).insert(into: db, inserts) }
    }

    /// Runs `body` in one write transaction that also deletes the outbox rows FirehoseService
    /// has acknowledged since the last one. Once it commits, still on the writer's queue (so
    /// in commit order), the outbox events it inserted go to the mirror.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (Database, OutboxInserts) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { [outbox] db in
            let inserts = OutboxInserts()
            var result: T?
            var deleted: Int64?
            try db.inTransaction {
                result = try body(db, inserts)
                if let through = outbox.deletableThrough {
                    try db.cachedStatement(sql: "DELETE FROM outbox_event WHERE id <= ?").execute(arguments: [through])
                    deleted = through
                }
                return .commit
            }
            outbox.committed(inserts.events, deletedThrough: deleted)
            return result!
        }
    }

    /// A consistent snapshot of this database at `destination` (for backups), taken while
    /// writes continue.
    public func snapshot(to destination: URL) throws -> SQLiteSnapshot.Result {
        try SQLiteSnapshot.write(pool, to: destination)
    }

}
