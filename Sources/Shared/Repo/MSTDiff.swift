import IPLD

/// One record operation between two trees.
public struct RecordOp: Sendable, Hashable {
    /// What happened to the record.
    public enum Action: String, Sendable { case create, update, delete }

    public let path: String
    /// The value before (nil for a create).
    public let old: CID?
    /// The value after (nil for a delete).
    public let new: CID?

    public init(path: String, old: CID?, new: CID?) {
        self.path = path
        self.old = old
        self.new = new
    }

    public var action: Action { old == nil ? .create : new == nil ? .delete : .update }
}

/// The difference between two MST roots: record operations and the node blocks each side
/// has that the other lacks.
public struct MSTDiff: Sendable {
    /// Record operations, sorted by path.
    public var ops: [RecordOp]
    /// Nodes reachable from the new root and not from the old one.
    public var createdNodes: Set<CID>
    /// Nodes reachable from the old root and not from the new one.
    public var deletedNodes: Set<CID>

    /// Diffs the tree at `old` against the tree at `new` (both readable from their stores).
    ///
    /// Walks both trees layer by layer from the top, never descending into a subtree whose
    /// CID both sides share: the work is proportional to what changed, not to the repo.
    public static func between(old: MST, new: MST) throws(RepoError) -> MSTDiff {
        var frontierA: [Int: Set<CID>] = [:]
        var frontierB: [Int: Set<CID>] = [:]
        let layerA = try old.rootLayer(), layerB = try new.rootLayer()
        frontierA[layerA, default: []].insert(old.root)
        frontierB[layerB, default: []].insert(new.root)
        var created = Set<CID>(), deleted = Set<CID>()
        // Leaves of the nodes only one side has; sorted and merged below (cheaper than
        // hashing byte-array keys).
        var leavesA: [(key: [UInt8], value: CID)] = [], leavesB: [(key: [UInt8], value: CID)] = []
        var layer = max(layerA, layerB)
        while layer >= 0 {
            let a = frontierA[layer] ?? [], b = frontierB[layer] ?? []
            for cid in a.subtracting(b) {
                deleted.insert(cid)
                let n = try old.node(cid)
                if let l = n.left { frontierA[layer - 1, default: []].insert(l) }
                for e in n.entries {
                    leavesA.append((e.key, e.value))
                    if let r = e.right { frontierA[layer - 1, default: []].insert(r) }
                }
            }
            for cid in b.subtracting(a) {
                created.insert(cid)
                let n = try new.node(cid)
                if let l = n.left { frontierB[layer - 1, default: []].insert(l) }
                for e in n.entries {
                    leavesB.append((e.key, e.value))
                    if let r = e.right { frontierB[layer - 1, default: []].insert(r) }
                }
            }
            layer -= 1
        }
        leavesA.sort { $0.key.lexicographicallyPrecedes($1.key) }
        leavesB.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var ops = [RecordOp]()
        var i = 0, j = 0
        while i < leavesA.count || j < leavesB.count {
            if j == leavesB.count || (i < leavesA.count && leavesA[i].key.lexicographicallyPrecedes(leavesB[j].key)) {
                ops.append(RecordOp(path: String(decoding: leavesA[i].key, as: UTF8.self), old: leavesA[i].value, new: nil))
                i += 1
            } else if i == leavesA.count || leavesB[j].key.lexicographicallyPrecedes(leavesA[i].key) {
                ops.append(RecordOp(path: String(decoding: leavesB[j].key, as: UTF8.self), old: nil, new: leavesB[j].value))
                j += 1
            } else {
                if leavesA[i].value != leavesB[j].value {
                    ops.append(RecordOp(path: String(decoding: leavesB[j].key, as: UTF8.self), old: leavesA[i].value, new: leavesB[j].value))
                }
                i += 1
                j += 1
            }
        }
        // An empty tree's root node is shared bookkeeping, not content.
        if old.root == MST.emptyRoot && new.root != MST.emptyRoot { deleted.insert(old.root) }
        return MSTDiff(ops: ops, createdNodes: created, deletedNodes: deleted)
    }
}
