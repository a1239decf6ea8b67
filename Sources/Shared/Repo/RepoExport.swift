import IPLD

/// Streaming CAR export of a repo: the commit, then every MST node and record reachable
/// from it, depth first in key order, handed to a sink in chunks.
public enum RepoExport {
    /// Writes the repo whose head is `commitCID` as a CAR v1 (root = commit).
    ///
    /// Memory stays bounded by the tree's depth plus one chunk; `include` can drop blocks
    /// (for example those older than a rev, for `getRepo?since=`).
    public static func write(head commitCID: CID, store: any BlockStore,
                             include: (CID) -> Bool = { _ in true },
                             sink: @escaping ([UInt8]) throws -> Void) throws {
        guard let commitBytes = try store.block(commitCID) else { throw RepoError.missingBlock(commitCID) }
        let commit = try Commit.decode(commitBytes)
        var writer = try CARWriter(roots: [commitCID], sink: sink)
        if include(commitCID) { try writer.write(cid: commitCID, bytes: commitBytes) }
        try writeTree(commit.data, store: store, include: include, writer: &writer)
        try writer.flush()
    }

    /// Writes an MST (nodes and the records they point to) depth first.
    static func writeTree(_ root: CID, store: any BlockStore, include: (CID) -> Bool, writer: inout CARWriter) throws {
        // An explicit stack: the order is node, then for each slot its subtree and record.
        enum Step { case node(CID), record(CID) }
        var stack: [Step] = [.node(root)]
        var seenRecords = Set<CID>()
        while let step = stack.popLast() {
            switch step {
            case .node(let cid):
                guard let bytes = try store.block(cid) else { throw RepoError.missingBlock(cid) }
                if include(cid) { try writer.write(cid: cid, bytes: bytes) }
                let node = try MSTNode.decode(bytes)
                var steps: [Step] = []
                if let l = node.left { steps.append(.node(l)) }
                for e in node.entries {
                    steps.append(.record(e.value))
                    if let r = e.right { steps.append(.node(r)) }
                }
                stack.append(contentsOf: steps.reversed())
            case .record(let cid):
                // The same record bytes can sit under two keys; a CAR holds each block once.
                guard seenRecords.insert(cid).inserted else { continue }
                guard let bytes = try store.block(cid) else { throw RepoError.missingBlock(cid) }
                if include(cid) { try writer.write(cid: cid, bytes: bytes) }
            }
        }
    }

    /// The whole repo as one CAR in memory (tests, small repos).
    public static func bytes(head commitCID: CID, store: any BlockStore) throws -> [UInt8] {
        var out = [UInt8]()
        try write(head: commitCID, store: store) { out.append(contentsOf: $0) }
        return out
    }
}
