import IPLD

extension MST {
    /// Builds a tree from scratch in one pass: each node is encoded and hashed once,
    /// instead of once per insert that passes through it. Used for imports and bulk loads.
    ///
    /// `entries` may come in any order; a key given twice keeps its last value.
    public static func build<S: Sequence>(_ entries: S, store: any BlockStore,
                                          cache: MSTNodeCache = MSTNodeCache()) throws(RepoError) -> MST
    where S.Element == (key: String, value: CID) {
        var items: [(key: [UInt8], value: CID, order: Int)] = []
        for (i, e) in entries.enumerated() {
            let k = Array(e.key.utf8)
            guard MSTKey.isValid(k) else { throw .invalidKey(e.key) }
            items.append((k, e.value, i))
        }
        // Sort by key, then input order, so the last value of a repeated key wins.
        items.sort { $0.key == $1.key ? $0.order < $1.order : $0.key.lexicographicallyPrecedes($1.key) }
        var deduped: [(key: [UInt8], value: CID, height: Int)] = []
        deduped.reserveCapacity(items.count)
        for item in items {
            if let last = deduped.last, last.key == item.key {
                deduped[deduped.count - 1] = (item.key, item.value, 0)
            } else {
                deduped.append((item.key, item.value, 0))
            }
        }
        let tree = try MST(store: store, cache: cache)
        guard !deduped.isEmpty else { return tree }
        var top = 0
        for i in deduped.indices {
            deduped[i].height = MSTKey.height(deduped[i].key)
            top = max(top, deduped[i].height)
        }
        let root = try deduped.withUnsafeBufferPointer { (buf) throws(RepoError) -> CID? in
            try tree.buildSubtree(buf[...], layer: top)
        }
        tree.replaceRoot(root ?? MST.emptyRoot)
        return tree
    }

    /// Builds the node at `layer` covering `items` (sorted), returning nil when empty.
    private func buildSubtree(_ items: Slice<UnsafeBufferPointer<(key: [UInt8], value: CID, height: Int)>>,
                              layer: Int) throws(RepoError) -> CID? {
        guard !items.isEmpty else { return nil }
        var node = MSTNode(left: nil, entries: [])
        var gapStart = items.startIndex
        for i in items.indices where items[i].height == layer {
            let child = try buildSubtree(items[gapStart..<i], layer: layer - 1)
            node.setPointer(before: node.entries.count, to: child)
            node.entries.append(MSTEntry(key: items[i].key, value: items[i].value, right: nil))
            gapStart = i + 1
        }
        let last = try buildSubtree(items[gapStart..<items.endIndex], layer: layer - 1)
        node.setPointer(before: node.entries.count, to: last)
        return try save(node)
    }
}
