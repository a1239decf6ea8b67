import IPLD
import Synchronization

/// Decoded MST nodes by CID, shared by the trees that work on one block store so a
/// repo's hot path nodes are decoded once, not once per write.
///
/// Nodes are content-addressed, so an entry is right for any store; a child cache (for a
/// scratch tree over an overlay) reads through to its parent but records its own nodes
/// separately. Thread-safe: a repo's cache outlives the individual writes that use it.
public final class MSTNodeCache: Sendable {
    private let nodes: Mutex<[CID: MSTNode]> = Mutex([:])
    private let parent: MSTNodeCache?
    private let capacity: Int

    /// A cache holding at most `capacity` nodes (cleared wholesale when full: hot paths
    /// refill in a few reads, and it keeps the memory bound simple).
    public init(capacity: Int = 200_000, parent: MSTNodeCache? = nil) {
        self.capacity = capacity
        self.parent = parent
    }

    func get(_ cid: CID) -> MSTNode? { nodes.withLock { $0[cid] } ?? parent?.get(cid) }

    func insert(_ cid: CID, _ node: MSTNode) {
        let capacity = self.capacity
        nodes.withLock {
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[cid] = node
        }
    }
}
