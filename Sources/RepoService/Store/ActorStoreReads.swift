import Foundation
import GRDB
import IPLD
import Repo

/// A record as the index holds it.
public struct StoredRecord: Sendable, Equatable {
    public let uri: String
    public let cid: CID
    /// The record's DAG-CBOR block.
    public let bytes: [UInt8]

    /// The record decoded.
    public func value() throws -> DataValue { try DAGCBOR.decode(bytes) }
}

extension ActorStore {
    /// The record at `collection/rkey`; with `cid`, only if it is that version.
    public func record(collection: String, rkey: String, cid: CID? = nil) async throws -> StoredRecord? {
        let uri = "at://\(did)/\(collection)/\(rkey)"
        return try await pool.read { db in
            guard let cidString = try String.fetchOne(db, sql: "SELECT cid FROM record WHERE uri = ? AND takedownRef IS NULL",
                                                      arguments: [uri]) else { return nil }
            let stored = try CID(string: cidString)
            if let cid, cid != stored { return nil }
            guard let bytes = try ActorStore.blockBytes(stored, db) else { return nil }
            return StoredRecord(uri: uri, cid: stored, bytes: bytes)
        }
    }

    /// Records of a collection by rkey: newest first (descending rkey) unless `reverse`;
    /// `cursor` is the last rkey of the previous page.
    public func listRecords(collection: String, limit: Int, cursor: String? = nil, reverse: Bool = false) async throws -> [StoredRecord] {
        let limit = max(1, min(limit, 100))
        return try await pool.read { db in
            let order = reverse ? "ASC" : "DESC"
            let comparison = reverse ? ">" : "<"
            var sql = "SELECT uri, cid FROM record WHERE collection = ? AND takedownRef IS NULL"
            var args: StatementArguments = [collection]
            if let cursor {
                sql += " AND rkey \(comparison) ?"
                args += [cursor]
            }
            sql += " ORDER BY rkey \(order) LIMIT ?"
            args += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: args).compactMap { row -> StoredRecord? in
                let cid = try CID(string: row["cid"])
                guard let bytes = try ActorStore.blockBytes(cid, db) else { return nil }
                return StoredRecord(uri: row["uri"], cid: cid, bytes: bytes)
            }
        }
    }

    /// The collections that hold at least one record.
    public func collections() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT collection FROM record ORDER BY collection") }
    }

    /// The number of records in the repo.
    public func recordCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record") ?? 0 }
    }

    /// The number of blocks stored.
    public func blockCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM repo_block") ?? 0 }
    }

    /// Streams the repo as a CAR (root = the head commit) to `sink`, from one consistent
    /// read snapshot.
    public func exportCAR(sink: @escaping @Sendable ([UInt8]) throws -> Void) async throws {
        try await pool.read { [did] db in
            try ActorStore.mapForExport(db)
            guard let cidString = try String.fetchOne(db, sql: "SELECT cid FROM repo_root WHERE did = ?", arguments: [did]) else {
                throw RepoServiceError.repoNotFound(did)
            }
            let head = try CID(string: cidString)
            guard try ActorStore.blocksAreLive(db) else {
                try RepoExport.write(head: head, store: SQLiteBlockStore(db), sink: sink)
                return
            }
            // The table holds exactly this repo: one pass over it in key order beats a lookup per
            // block down the tree (as the reference PDS exports). The commit goes first.
            guard let commit = try ActorStore.blockBytes(head, db) else { throw RepoError.missingBlock(head) }
            var writer = try CARWriter(roots: [head], sink: sink)
            try writer.write(cid: head, bytes: commit)
            let headKey = Data(head.bytes)
            let rows = try Row.fetchCursor(db, sql: "SELECT cid, content FROM repo_block")
            while let row = try rows.next() {
                let key: Data = row["cid"]
                if key == headKey { continue }
                try writer.write(cid: try CID(bytes: [UInt8](key)), bytes: [UInt8](row["content"] as Data))
            }
            try writer.flush()
        }
    }

    /// The stored preferences (an array of `app.bsky.actor.defs#…Pref` objects) as JSON.
    public func preferences() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT valueJson FROM account_pref ORDER BY id") }
    }

    /// Replaces the stored preferences.
    public func putPreferences(_ prefs: [(type: String, json: String)]) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM account_pref")
            for p in prefs {
                try db.execute(sql: "INSERT INTO account_pref (name, valueJson) VALUES (?, ?)", arguments: [p.type, p.json])
            }
        }
    }

    /// Outbox events not yet acknowledged by the firehose, oldest first: from the mirror when
    /// it holds them all, else read from the table on the writer's queue (so no commit slips
    /// between the read and the mirror taking over from it).
    public func pendingOutbox(limit: Int = 100) async throws -> [PendingOutboxEvent] {
        if let held = outbox.take(limit: limit) { return held }
        return try await pool.writeWithoutTransaction { [outbox] db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, kind, rev, dedupeKey, event FROM outbox_event WHERE id > ? ORDER BY id LIMIT ?"),
                                        arguments: [outbox.acknowledged, limit]).map {
                PendingOutboxEvent(id: $0["id"], kind: $0["kind"], rev: $0["rev"], dedupeKey: $0["dedupeKey"],
                                   event: [UInt8]($0["event"] as Data))
            }
            outbox.loaded(rows, complete: rows.count < limit)
            return rows
        }
    }

    /// Notes that the firehose has sequenced the outbox events up to and including `id`. The
    /// rows go with the next write transaction, or `flushOutboxAcknowledgements()`.
    public func acknowledgeOutbox(through id: Int64) {
        outbox.acknowledge(through: id)
    }

    /// Deletes the acknowledged outbox rows no write has taken with it yet.
    public func flushOutboxAcknowledgements() async throws {
        guard outbox.deletableThrough != nil else { return }
        try await writeTransaction { _, _ in }
    }

    /// Lets this reader connection map the file instead of copying every page through
    /// read(2): an export touches every block, and the copies were a third of its time.
    static func mapForExport(_ db: Database) throws {
        try db.execute(sql: "PRAGMA mmap_size = 1073741824")
    }

    static func blockBytes(_ cid: CID, _ db: Database) throws -> [UInt8]? {
        try Data.fetchOne(db, sql: "SELECT content FROM repo_block WHERE cid = ?", arguments: [Data(cid.bytes)]).map { [UInt8]($0) }
    }
}
