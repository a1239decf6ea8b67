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

    /// Writes an MST (nodes and the records they point to) depth first: a node, then for
    /// each slot its left subtree and its record. Recursion depth is the tree's height.
    static func writeTree(_ root: CID, store: any BlockStore, include: (CID) -> Bool, writer: inout CARWriter) throws {
        var seenRecords = Set<CID>()
        try writeNode(root, store: store, include: include, writer: &writer, seenRecords: &seenRecords)
    }

    private static func writeNode(_ cid: CID, store: any BlockStore, include: (CID) -> Bool,
                                  writer: inout CARWriter, seenRecords: inout Set<CID>) throws {
        guard let bytes = try store.block(cid) else { throw RepoError.missingBlock(cid) }
        if include(cid) { try writer.write(cid: cid, bytes: bytes) }
        let node = try MSTNode.decode(bytes)
        if let l = node.left { try writeNode(l, store: store, include: include, writer: &writer, seenRecords: &seenRecords) }
        for e in node.entries {
            // The same record bytes can sit under two keys; a CAR holds each block once.
            if seenRecords.insert(e.value).inserted {
                guard let record = try store.block(e.value) else { throw RepoError.missingBlock(e.value) }
                if include(e.value) { try writer.write(cid: e.value, bytes: record) }
            }
            if let r = e.right { try writeNode(r, store: store, include: include, writer: &writer, seenRecords: &seenRecords) }
        }
    }

    /// The whole repo as one CAR in memory (tests, small repos).
    public static func bytes(head commitCID: CID, store: any BlockStore) throws -> [UInt8] {
        var out = [UInt8]()
        try write(head: commitCID, store: store) { out.append(contentsOf: $0) }
        return out
    }
}
