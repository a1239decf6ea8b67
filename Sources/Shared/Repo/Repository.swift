import ATCrypto
import IPLD

/// A signed repository: an MST of records under a chain of signed commits, over a block store.
///
/// Applying writes produces a ``CommitResult``: everything the store must persist in one
/// transaction and everything the firehose needs to announce. Not thread-safe; the owner
/// serialises writes to one repo.
public final class Repository {
    public let did: String
    public let store: any BlockStore
    public private(set) var commit: Commit
    public private(set) var commitCID: CID
    /// The record tree at the current commit.
    public private(set) var tree: MST

    /// Opens the repo whose head is `commitCID`; `cache` may be shared across opens of the
    /// same store.
    public init(did: String, head commitCID: CID, store: any BlockStore, cache: MSTNodeCache = MSTNodeCache()) throws(RepoError) {
        guard let bytes = try store.block(commitCID) else { throw .missingBlock(commitCID) }
        let commit = try Commit.decode(bytes)
        guard commit.did == did else { throw .malformed("commit is for \(commit.did), not \(did)") }
        self.did = did
        self.store = store
        self.commit = commit
        self.commitCID = commitCID
        self.tree = MST(root: commit.data, store: store, cache: cache)
    }

    /// Creates an empty repo with its first signed commit.
    public static func create(did: String, key: any SigningKey, rev: String, store: any BlockStore) throws(RepoError) -> (Repository, CommitResult) {
        let tree = try MST(store: store)
        let commit = try Commit.sign(did: did, data: tree.root, rev: rev, key: key)
        let bytes = commit.bytes
        let cid = CID.compute(.dagCBOR, of: bytes)
        try store.put(cid, bytes)
        let repo = try Repository(did: did, head: cid, store: store)
        let emptyNode = MSTNode.empty.encode()
        let result = CommitResult(commitCID: cid, commit: commit, since: nil, prevData: nil, ops: [],
                                  newBlocks: [(cid, bytes), (MST.emptyRoot, emptyNode)],
                                  proofBlocks: [], previousCommitCID: nil, removedNodes: [])
        return (repo, result)
    }

    /// The CID of the record at `path`, if any.
    public func recordCID(_ path: String) throws(RepoError) -> CID? { try tree.get(path) }

    /// The record at `path`, decoded.
    public func record(_ path: String) throws(RepoError) -> DataValue? {
        guard let cid = try tree.get(path) else { return nil }
        guard let bytes = try store.block(cid) else { throw .missingBlock(cid) }
        do { return try DAGCBOR.decode(bytes) } catch { throw .data(error) }
    }

    /// Applies writes atomically in memory and signs a new commit with `rev`.
    ///
    /// New blocks go into the store as they are made (content-addressed, so stray blocks
    /// are harmless); the head moves only when everything succeeded.
    public func apply(_ writes: [RecordWrite], key: any SigningKey, rev: String) throws(RepoError) -> CommitResult {
        guard rev > commit.rev else { throw .malformed("rev \(rev) does not follow \(commit.rev)") }
        let before = tree
        let working = MST(root: tree.root, store: store, cache: tree.cache)
        var recordBlocks: [(CID, [UInt8])] = []
        for write in writes {
            let path = write.path
            let existing = try working.get(path)
            switch write {
            case .create(_, let record), .update(_, let record):
                if case .create = write, existing != nil { throw .malformed("record already exists at \(path)") }
                let bytes = DAGCBOR.encode(record)
                let cid = CID.compute(.dagCBOR, of: bytes)
                try store.put(cid, bytes)
                recordBlocks.append((cid, bytes))
                try working.put(path, cid)
            case .delete:
                guard existing != nil else { throw .malformed("no record at \(path) to delete") }
                try working.delete(path)
            }
        }
        let diff = try MSTDiff.between(old: before, new: working)
        let proof = try working.inductiveProofNodes(for: diff.ops, provingDeletions: true)
        let newCommit = try Commit.sign(did: did, data: working.root, rev: rev, key: key)
        let commitBytes = newCommit.bytes
        let commitCID = CID.compute(.dagCBOR, of: commitBytes)
        try store.put(commitCID, commitBytes)

        var newBlocks: [(CID, [UInt8])] = [(commitCID, commitBytes)]
        for cid in diff.createdNodes.sorted() {
            guard let b = try store.block(cid) else { throw .missingBlock(cid) }
            newBlocks.append((cid, b))
        }
        let liveRecords = Set(diff.ops.compactMap(\.new))
        var seen = Set(newBlocks.map(\.0))
        for (cid, bytes) in recordBlocks where liveRecords.contains(cid) && seen.insert(cid).inserted {
            newBlocks.append((cid, bytes))
        }
        var proofBlocks: [(CID, [UInt8])] = []
        for cid in proof.sorted() where !seen.contains(cid) {
            guard let b = try store.block(cid) else { throw .missingBlock(cid) }
            proofBlocks.append((cid, b))
        }
        let result = CommitResult(commitCID: commitCID, commit: newCommit, since: commit.rev, prevData: before.root,
                                  ops: diff.ops, newBlocks: newBlocks, proofBlocks: proofBlocks,
                                  previousCommitCID: self.commitCID, removedNodes: diff.deletedNodes)
        self.commit = newCommit
        self.commitCID = commitCID
        self.tree = working
        return result
    }
}

/// What one commit changed: what to persist and what the firehose `#commit` carries.
public struct CommitResult: Sendable {
    public let commitCID: CID
    public let commit: Commit
    /// The previous commit's rev (the firehose `since`).
    public let since: String?
    /// The previous MST root (the firehose `prevData`).
    public let prevData: CID?
    public let ops: [RecordOp]
    /// Blocks this commit created: the commit, new MST nodes, new records.
    public let newBlocks: [(CID, [UInt8])]
    /// Existing MST nodes a consumer needs to verify and invert the commit (sync 1.1).
    public let proofBlocks: [(CID, [UInt8])]
    public let previousCommitCID: CID?
    /// MST nodes of the previous tree that the new one no longer has: with the previous
    /// commit (and any record no key points to any more) they are garbage once this commit
    /// is the head.
    public let removedNodes: Set<CID>

    /// The `blocks` CAR of a firehose `#commit` event: root = commit.
    public var firehoseCAR: [UInt8] {
        CARWriter.encode(roots: [commitCID], blocks: newBlocks + proofBlocks)
    }
}
