import IPLD

/// A Merkle Search Tree over a ``BlockStore``: the signed index of a repo's records.
///
/// Mutations copy the path they touch and put the new nodes into the store; the root CID
/// depends only on the set of (key, value) pairs, never on the order of operations.
/// Not thread-safe: one repo's writes are serialised by its owner.
public final class MST {
    /// The store nodes are read from and written to.
    public let store: any BlockStore
    /// The root node's CID (the empty node's CID for an empty tree).
    public private(set) var root: CID
    /// Decoded nodes, so walking a path does not re-decode hot nodes.
    public let cache: MSTNodeCache
    /// When set, every node read from the store is recorded (proofs, inversion).
    var readLog: Set<CID>? = nil
    /// When set, nodes this tree creates before ever reading them are recorded: reads of
    /// those are of the operation's own making, not of the tree it started from.
    var saveLog: Set<CID>? = nil
    /// When set, deletions also read the subtree next to the removed key, the way the
    /// reference relay (indigo) does to prove the key's absence; see ``proveAbsence(of:in:)``.
    var provesDeletions = false

    /// The CID of the empty node.
    public static let emptyRoot: CID = CID.compute(.dagCBOR, of: MSTNode.empty.encode())

    /// An empty tree.
    public init(store: any BlockStore, cache: MSTNodeCache = MSTNodeCache()) throws(RepoError) {
        self.store = store
        self.cache = cache
        self.root = MST.emptyRoot
        try store.put(MST.emptyRoot, MSTNode.empty.encode())
    }

    /// The tree whose root node is `root`.
    ///
    /// Trees over the same store may share a `cache`.
    public init(root: CID, store: any BlockStore, cache: MSTNodeCache = MSTNodeCache()) {
        self.store = store
        self.cache = cache
        self.root = root
    }

    /// Records a node this tree made, unless it was read before (see ``saveLog``).
    private func noteCreated(_ cid: CID) {
        if saveLog != nil, readLog?.contains(cid) != true { saveLog!.insert(cid) }
    }

    /// Points the tree at another root (bulk builds).
    func replaceRoot(_ cid: CID) { root = cid }

    // MARK: Nodes

    /// Loads and decodes a node.
    public func node(_ cid: CID) throws(RepoError) -> MSTNode {
        readLog?.insert(cid)
        if let n = cache.get(cid) { return n }
        guard let bytes = try store.block(cid) else { throw .missingBlock(cid) }
        let n = try MSTNode.decode(bytes)
        cache.insert(cid, n)
        return n
    }

    /// Encodes and stores a node, returning its CID; nil for an empty node.
    func save(_ n: MSTNode) throws(RepoError) -> CID? {
        if n.isEmpty { return nil }
        let bytes = n.encode()
        let cid = CID.compute(.dagCBOR, of: bytes)
        noteCreated(cid)
        // Always hand the block to the store, even when cached: a cache may outlive a
        // rolled-back transaction, and a write must stage every node it makes.
        try store.put(cid, bytes)
        if cache.get(cid) == nil { cache.insert(cid, n) }
        return cid
    }

    /// The layer of the root node (0 for an empty tree).
    public func rootLayer() throws(RepoError) -> Int {
        try layer(of: root)
    }

    /// The layer of a node: the height of its keys, or one above its left child when it has none.
    func layer(of cid: CID) throws(RepoError) -> Int {
        var n = try node(cid)
        var extra = 0
        while n.entries.isEmpty {
            guard let l = n.left else { return 0 }
            n = try node(l)
            extra += 1
        }
        return MSTKey.height(n.entries[0].key) + extra
    }

    /// The root as an optional subtree (nil when the tree is empty).
    private func rootSubtree() throws(RepoError) -> CID? {
        try node(root).isEmpty ? nil : root
    }

    // MARK: Reads

    /// The value stored at `key`, if any.
    public func get(_ key: String) throws(RepoError) -> CID? {
        try get(Array(key.utf8))
    }

    /// The value stored at `key`, if any.
    public func get(_ key: [UInt8]) throws(RepoError) -> CID? {
        var current: CID? = root
        while let cid = current {
            let n = try node(cid)
            let i = MST.lowerBound(n.entries, key)
            if i < n.entries.count && n.entries[i].key == key { return n.entries[i].value }
            current = n.pointer(before: i)
        }
        return nil
    }

    /// Index of the first entry whose key is ≥ `key`.
    static func lowerBound(_ entries: [MSTEntry], _ key: [UInt8]) -> Int {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].key.lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    // MARK: Writes

    /// Sets `key` to `value` (create or update).
    public func put(_ key: String, _ value: CID) throws(RepoError) {
        let k = Array(key.utf8)
        guard MSTKey.isValid(k) else { throw .invalidKey(key) }
        try put(k, value)
    }

    /// Sets `key` to `value` without checking the key's syntax (test suites use bare keys).
    public func put(_ key: [UInt8], _ value: CID) throws(RepoError) {
        let h = MSTKey.height(key)
        let newRoot: CID?
        if let r = try rootSubtree() {
            let rootLayer = try layer(of: r)
            if h > rootLayer {
                var (a, b) = try split(r, layer: rootLayer, key)
                for _ in rootLayer..<(h - 1) {
                    a = try a.flatMap { (c) throws(RepoError) in try save(MSTNode(left: c, entries: [])) }
                    b = try b.flatMap { (c) throws(RepoError) in try save(MSTNode(left: c, entries: [])) }
                }
                newRoot = try save(MSTNode(left: a, entries: [MSTEntry(key: key, value: value, right: b)]))
            } else {
                newRoot = try insert(r, layer: rootLayer, key, height: h, value)
            }
        } else {
            newRoot = try insert(nil, layer: h, key, height: h, value)
        }
        root = newRoot!
    }

    /// Removes `key`; returns false when it was not present.
    @discardableResult
    public func delete(_ key: String) throws(RepoError) -> Bool {
        try delete(Array(key.utf8))
    }

    /// Removes `key`; returns false when it was not present.
    @discardableResult
    public func delete(_ key: [UInt8]) throws(RepoError) -> Bool {
        guard let r = try rootSubtree() else { return false }
        guard let result = try delete(r, key) else { return false }
        // Trim the top: a root with no entries is replaced by its only child.
        var newRoot = result.cid
        while let c = newRoot {
            let n = try node(c)
            guard n.entries.isEmpty else { break }
            newRoot = n.left
        }
        if let c = newRoot {
            root = c
        } else {
            try store.put(MST.emptyRoot, MSTNode.empty.encode())
            noteCreated(MST.emptyRoot)
            root = MST.emptyRoot
        }
        return true
    }

    private func insert(_ sub: CID?, layer: Int, _ key: [UInt8], height h: Int, _ value: CID) throws(RepoError) -> CID? {
        var n = try sub.map { (c) throws(RepoError) in try node(c) } ?? .empty
        let i = MST.lowerBound(n.entries, key)
        if h == layer {
            if i < n.entries.count && n.entries[i].key == key {
                if n.entries[i].value == value { return sub }
                n.entries[i].value = value
            } else {
                let (a, b) = try split(n.pointer(before: i), layer: layer - 1, key)
                n.setPointer(before: i, to: a)
                n.entries.insert(MSTEntry(key: key, value: value, right: b), at: i)
            }
        } else {
            let child = try insert(n.pointer(before: i), layer: layer - 1, key, height: h, value)
            n.setPointer(before: i, to: child)
        }
        return try save(n)
    }

    /// Splits a subtree around a key it does not hold: (keys below, keys above).
    private func split(_ sub: CID?, layer: Int, _ key: [UInt8]) throws(RepoError) -> (CID?, CID?) {
        guard let sub else { return (nil, nil) }
        let n = try node(sub)
        let i = MST.lowerBound(n.entries, key)
        let (ca, cb) = try split(n.pointer(before: i), layer: layer - 1, key)
        var leftNode = MSTNode(left: n.left, entries: Array(n.entries[0..<i]))
        leftNode.setPointer(before: i, to: ca)
        let rightNode = MSTNode(left: cb, entries: Array(n.entries[i...]))
        return (try save(leftNode), try save(rightNode))
    }

    /// Deletes from a subtree; nil when the key is absent, `.some(nil)` when the subtree empties.
    private func delete(_ sub: CID, _ key: [UInt8]) throws(RepoError) -> (cid: CID?, Void)? {
        var n = try node(sub)
        let i = MST.lowerBound(n.entries, key)
        if i < n.entries.count && n.entries[i].key == key {
            let merged = try merge(n.pointer(before: i), n.entries[i].right)
            n.entries.remove(at: i)
            n.setPointer(before: i, to: merged)
            if provesDeletions { try proveAbsence(of: key, in: n) }
        } else {
            guard let child = n.pointer(before: i), let result = try delete(child, key) else { return nil }
            n.setPointer(before: i, to: result.cid)
        }
        return (try save(n), ())
    }

    /// Joins two adjacent subtrees of the same layer (all keys of `a` below all of `b`).
    private func merge(_ a: CID?, _ b: CID?) throws(RepoError) -> CID? {
        guard let a else { return b }
        guard let b else { return a }
        var na = try node(a)
        let nb = try node(b)
        let joint = try merge(na.pointer(before: na.entries.count), nb.left)
        na.setPointer(before: na.entries.count, to: joint)
        na.entries.append(contentsOf: nb.entries)
        return try save(na)
    }
}
