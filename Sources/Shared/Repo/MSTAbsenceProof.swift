import IPLD

/// Reads that show a key is absent from a node after its removal, matching what the
/// reference relay needs to hold to invert a commit (the commit-proof interop fixtures):
/// the subtree beside the removed key is opened far enough to show the key is outside it.
extension MST {
    /// Where a key sorts relative to all the keys under a subtree.
    enum RangeOrder { case below, within, above }

    /// Opens the subtree at the removed key's position until the key's absence is evident.
    func proveAbsence(of key: [UInt8], in n: MSTNode) throws(RepoError) {
        let i = MST.lowerBound(n.entries, key)
        guard let child = n.pointer(before: i) else { return }
        let childNode = try node(child)
        if try rangeOrder(of: key, in: childNode) == .within {
            try proveAbsence(of: key, in: childNode)
        }
    }

    /// Compares `key` with the key range of the subtree rooted at `n`, reading as few
    /// descendants as the order allows.
    func rangeOrder(of key: [UInt8], in n: MSTNode) throws(RepoError) -> RangeOrder {
        if n.left == nil, let first = n.entries.first, key.lexicographicallyPrecedes(first.key) { return .below }
        if let last = n.entries.last, last.right == nil, last.key.lexicographicallyPrecedes(key) { return .above }
        // Walk the interleaving of child pointers and entries in order.
        let slots = n.entries.count
        for i in 0...slots {
            if let child = n.pointer(before: i) {
                // Skip a child that the next entry already shows the key is beyond.
                if i < slots, n.entries[i].key.lexicographicallyPrecedes(key) { continue }
                let order = try rangeOrder(of: key, in: try node(child))
                let isFirst = i == 0
                let isLast = i == slots
                if isFirst && order == .below { return .below }
                if isLast && order == .above { return .above }
                return .within
            }
            if i < slots, key.lexicographicallyPrecedes(n.entries[i].key) { return .within }
        }
        return .within
    }
}
