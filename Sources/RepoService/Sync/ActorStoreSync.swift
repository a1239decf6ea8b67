import Foundation
import GRDB
import IPLD
import Repo

extension ActorStore {
    /// Blocks written by commits after `since` (a rev), as a CAR rooted at the head commit:
    /// what `getRepo?since=` answers so a consumer holding `since` can catch up.
    public func exportCAR(since: String, sink: @escaping @Sendable ([UInt8]) throws -> Void) async throws {
        try await pool.read { [did] db in
            guard let cidString = try String.fetchOne(db, sql: "SELECT cid FROM repo_root WHERE did = ?", arguments: [did]) else {
                throw RepoServiceError.repoNotFound(did)
            }
            var writer = try CARWriter(roots: [try CID(string: cidString)], sink: sink)
            let rows = try Row.fetchCursor(db, sql: "SELECT cid, content FROM repo_block WHERE repoRev > ? ORDER BY repoRev, cid",
                                           arguments: [since])
            while let row = try rows.next() {
                try writer.write(cid: try CID(bytes: [UInt8](row["cid"] as Data)), bytes: [UInt8](row["content"] as Data))
            }
            try writer.flush()
        }
    }

    /// A CAR proving the record at `path` from the current head: the signed commit, the MST
    /// nodes on the path from the root to the record's entry, and the record block. Nil when
    /// the repo holds no record there.
    public func recordProofCAR(path: String) async throws -> [UInt8]? {
        try await pool.read { [did] db in
            guard let cidString = try String.fetchOne(db, sql: "SELECT cid FROM repo_root WHERE did = ?", arguments: [did]) else {
                throw RepoServiceError.repoNotFound(did)
            }
            let commitCID = try CID(string: cidString)
            let blocks = SQLiteBlockStore(db)
            guard let commitBytes = try blocks.block(commitCID) else { throw RepoError.missingBlock(commitCID) }
            let tree = MST(root: try Commit.decode(commitBytes).data, store: blocks)
            guard let recordCID = try tree.get(path) else { return nil }
            var out: [(CID, [UInt8])] = [(commitCID, commitBytes)]
            // Sorted so the same proof is byte-identical each time it is asked for.
            for node in try tree.proofNodes(for: Array(path.utf8)).sorted(by: { $0.bytes.lexicographicallyPrecedes($1.bytes) }) {
                guard let bytes = try blocks.block(node) else { throw RepoError.missingBlock(node) }
                out.append((node, bytes))
            }
            guard let record = try blocks.block(recordCID) else { throw RepoError.missingBlock(recordCID) }
            out.append((recordCID, record))
            return CARWriter.encode(roots: [commitCID], blocks: out)
        }
    }

    /// The named blocks as a CAR without roots, or the CIDs this repo does not hold.
    public func blocksCAR(_ cids: [CID]) async throws -> Result<[UInt8], MissingBlocks> {
        try await pool.read { db in
            var found: [(CID, [UInt8])] = []
            var missing: [CID] = []
            for cid in cids {
                if let bytes = try ActorStore.blockBytes(cid, db) { found.append((cid, bytes)) } else { missing.append(cid) }
            }
            guard missing.isEmpty else { return .failure(MissingBlocks(cids: missing)) }
            return .success(CARWriter.encode(roots: [], blocks: found))
        }
    }
}

/// The blocks a `getBlocks` call asked for that the repo does not hold.
public struct MissingBlocks: Error, Sendable {
    public let cids: [CID]
}
