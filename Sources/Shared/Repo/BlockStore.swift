import IPLD
import Synchronization

/// Where repo blocks (MST nodes, commits, records) live, addressed by CID.
///
/// RepoService backs it with the account's SQLite file; tests and tools use
/// ``MemoryBlockStore``. Reads are synchronous: SQLite reads are, and the MST walks
/// a handful of small nodes per operation.
public protocol BlockStore: AnyObject {
    /// The bytes of a block, or nil when it is not stored.
    func block(_ cid: CID) throws(RepoError) -> [UInt8]?
    /// Stores a block; storing one that exists is harmless.
    func put(_ cid: CID, _ bytes: [UInt8]) throws(RepoError)
}

/// An in-memory block store.
public final class MemoryBlockStore: BlockStore, Sendable {
    private let blocks = Mutex<[CID: [UInt8]]>([:])

    public init() {}

    /// A store holding `blocks` already.
    public init<S: Sequence>(_ initial: S) where S.Element == (CID, [UInt8]) {
        blocks.withLock { b in for (c, bytes) in initial { b[c] = bytes } }
    }

    public func block(_ cid: CID) -> [UInt8]? { blocks.withLock { $0[cid] } }
    public func put(_ cid: CID, _ bytes: [UInt8]) { blocks.withLock { $0[cid] = bytes } }

    /// How many blocks are stored.
    public var count: Int { blocks.withLock { $0.count } }
    /// Every stored CID.
    public var cids: [CID] { blocks.withLock { Array($0.keys) } }
}
