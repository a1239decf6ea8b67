import IPC
import Synchronization

/// The hosting status of accounts the gateway recently looked up for public reads (getRecord,
/// listRecords, sync reads), kept for a few seconds as the design allows, so a burst of reads
/// of one repo costs one AuthService call instead of one each. Status changes made through this
/// gateway drop the entry at once; another gateway's are seen within `lifetime`.
public final class AccountStatusCache: Sendable {
    static let lifetime: Duration = .seconds(5)
    /// Past this many entries the table is emptied rather than grown (a crawl over many repos).
    static let capacity = 50_000

    /// Status by DID (nil status = active). Misses are not cached: an account created a moment
    /// later must be readable at once.
    private let entries = Mutex<[String: (status: String?, until: ContinuousClock.Instant)]>([:])

    public init() {}

    /// The status of hosted account `did` (nil = active), cached or from `lookup` (then cached);
    /// `lookup`'s error when it fails.
    public func status(of did: String, lookup: () async throws(IPCError) -> AuthTypes.AccountInfo) async throws(IPCError) -> String? {
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[did] }), hit.until > now { return hit.status }
        let status = try await lookup().status
        entries.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[did] = (status, now + Self.lifetime)
        }
        return status
    }

    /// Drops what is known about `did` (its status just changed).
    public func forget(_ did: String) {
        _ = entries.withLock { $0.removeValue(forKey: did) }
    }
}
