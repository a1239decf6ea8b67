import IPLD

/// Decoded MST nodes by CID, shared by the trees that work on one block store so a
/// repo's hot path nodes are decoded once, not once per write.
///
/// An entry means the node is in the store the cache belongs to; a child cache (for a
/// scratch tree over an overlay) reads through to its parent but records its own nodes
/// separately. Not thread-safe: used under the repo's write serialisation.
public final class MSTNodeCache {
    private var nodes: [CID: MSTNode] = [:]
    private let parent: MSTNodeCache?
    private let capacity: Int

    /// A cache holding at most `capacity` nodes (cleared wholesale when full: hot paths
    /// refill in a few reads, and it keeps the memory bound simple).
    public init(capacity: Int = 200_000, parent: MSTNodeCache? = nil) {
        self.capacity = capacity
        self.parent = parent
    }

    func get(_ cid: CID) -> MSTNode? { nodes[cid] ?? parent?.get(cid) }

    func insert(_ cid: CID, _ node: MSTNode) {
        if nodes.count >= capacity { nodes.removeAll(keepingCapacity: true) }
        nodes[cid] = node
    }
}
