import IPLD

extension MST {
    /// Visits leaves in key order (or reverse), starting after `after` (exclusive) and
    /// stopping when `visit` returns false. Subtrees entirely before the start are skipped.
    public func walk(after: [UInt8]? = nil, reverse: Bool = false,
                     _ visit: (MSTEntry) throws -> Bool) throws {
        _ = try walk(root, after: after, reverse: reverse, visit)
    }

    private func walk(_ cid: CID?, after: [UInt8]?, reverse: Bool, _ visit: (MSTEntry) throws -> Bool) throws -> Bool {
        guard let cid else { return true }
        let n = try node(cid)
        let count = n.entries.count
        if !reverse {
            // First position that can hold keys greater than `after`.
            let start = after.map { MST.lowerBound(n.entries, $0) } ?? 0
            for i in start...count {
                if !(try walk(n.pointer(before: i), after: after, reverse: false, visit)) { return false }
                if i < count {
                    let e = n.entries[i]
                    if let a = after, !a.lexicographicallyPrecedes(e.key) { continue }
                    if !(try visit(e)) { return false }
                }
            }
        } else {
            // In reverse, `after` bounds from above: keys strictly less than it.
            let end = after.map { MST.lowerBound(n.entries, $0) } ?? count
            var i = end
            while i >= 0 {
                if i < end || i == end {
                    if i < count, i < end {
                        if !(try visit(n.entries[i])) { return false }
                    }
                }
                if !(try walk(n.pointer(before: i), after: after, reverse: true, visit)) { return false }
                i -= 1
            }
        }
        return true
    }

    /// Up to `limit` entries in order, after `after` (exclusive).
    public func list(after: String? = nil, limit: Int = .max, reverse: Bool = false) throws -> [(key: String, value: CID)] {
        var out = [(key: String, value: CID)]()
        try walk(after: after.map { Array($0.utf8) }, reverse: reverse) { e in
            out.append((e.keyString, e.value))
            return out.count < limit
        }
        return out
    }

    /// Every entry of the tree in key order.
    public func allEntries() throws -> [(key: String, value: CID)] { try list() }

    /// Every node CID reachable from the root, with its layer.
    public func allNodes() throws(RepoError) -> [CID] {
        var out = [CID]()
        var stack: [CID] = [root]
        while let c = stack.popLast() {
            out.append(c)
            let n = try node(c)
            if let l = n.left { stack.append(l) }
            for e in n.entries { if let r = e.right { stack.append(r) } }
        }
        return out
    }
}
