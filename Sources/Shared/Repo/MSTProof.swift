import IPLD

extension MST {
    /// The nodes a reader needs to prove that `key` is present (inclusion) or absent
    /// (exclusion): the search path from the root towards the key.
    ///
    /// The walk stops once it reaches a node below the key's own layer: a key of height h
    /// can only sit in a node of layer h, so that node (which shows the layer) is the last
    /// one needed.
    public func proofNodes(for key: [UInt8]) throws(RepoError) -> Set<CID> {
        var out = Set<CID>()
        let height = MSTKey.height(key)
        var layer = try rootLayer()
        var current: CID? = root
        while let cid = current {
            out.insert(cid)
            if layer < height { break }
            let n = try node(cid)
            let i = MST.lowerBound(n.entries, key)
            if i < n.entries.count && n.entries[i].key == key { break }
            current = n.pointer(before: i)
            layer -= 1
        }
        return out
    }

    /// The union of the proof paths for a set of record operations against this (new) tree.
    public func proofNodes(for ops: [RecordOp]) throws(RepoError) -> Set<CID> {
        var out = Set<CID>()
        for op in ops { out.formUnion(try proofNodes(for: Array(op.path.utf8))) }
        return out
    }

    /// The nodes of this (new) tree that inverting `ops` reads: what a commit must carry so
    /// a consumer can run the sync 1.1 inversion check.
    ///
    /// With `provingDeletions`, also the nodes beside each removed key that the reference
    /// relay opens to prove its absence: what a firehose `#commit` carries.
    public func inductiveProofNodes(for ops: [RecordOp], provingDeletions: Bool = false) throws(RepoError) -> Set<CID> {
        let overlay = OverlayBlockStore(base: store)
        let scratch = MST(root: root, store: overlay, cache: MSTNodeCache(parent: cache))
        scratch.readLog = []
        scratch.saveLog = []
        scratch.provesDeletions = provingDeletions
        // Reads of nodes the inversion itself created are not part of the proof.
        try scratch.invert(ops)
        return scratch.readLog!.subtracting(scratch.saveLog!)
    }

    /// Undoes `ops` on this tree, in reverse order: creates are deleted, updates reverted,
    /// deletes restored.
    public func invert(_ ops: [RecordOp]) throws(RepoError) {
        for op in ops.reversed() {
            let key = Array(op.path.utf8)
            if let old = op.old {
                try put(key, old)
            } else if !(try delete(key)) {
                throw .invalidStructure("inverting create of \(op.path): key not in tree")
            }
        }
    }
}

/// The sync 1.1 check a relay runs on a commit: starting from the blocks it carries,
/// inverting its ops must give back the previous root.
public enum CommitInversion {
    /// Inverts `ops` on the tree at `newRoot` using only `blocks`, and checks the result is
    /// `previousRoot`. Throws ``RepoError/missingBlock(_:)`` when the blocks are not enough.
    public static func verify(newRoot: CID, previousRoot: CID, ops: [RecordOp],
                              blocks: [CID: [UInt8]]) throws(RepoError) {
        let store = MemoryBlockStore(blocks.map { ($0.key, $0.value) })
        let tree = MST(root: newRoot, store: store)
        for op in ops {
            let current = try tree.get(Array(op.path.utf8))
            guard current == op.new else {
                throw .invalidStructure("op \(op.path) does not match the tree (\(current?.string ?? "absent"))")
            }
        }
        try tree.invert(ops)
        guard tree.root == previousRoot else {
            throw .invalidStructure("inverted root \(tree.root) is not prevData \(previousRoot)")
        }
    }
}

/// A block store that writes to memory over a read-only base; used to run operations on a
/// tree without touching it.
public final class OverlayBlockStore: BlockStore {
    private let base: any BlockStore
    private var local: [CID: [UInt8]] = [:]

    public init(base: any BlockStore) { self.base = base }

    public func block(_ cid: CID) throws(RepoError) -> [UInt8]? {
        if let b = local[cid] { return b }
        return try base.block(cid)
    }

    public func put(_ cid: CID, _ bytes: [UInt8]) { local[cid] = bytes }

    /// True when the block was written here rather than read from the base.
    public func isLocal(_ cid: CID) -> Bool { local[cid] != nil }
}
