import ATCrypto
import Foundation
import Repo
import Storage

/// The open account stores: at most `capacity` at once, least recently used closed first,
/// so thousands of accounts do not hold thousands of open files or their caches; a store
/// unused for `idleLifetime` is closed too.
public actor ActorStorePool {
    public let layout: ActorStoreLayout
    private let options: SQLiteOptions
    /// How many stores may be open at once.
    public nonisolated let capacity: Int
    private var open: [String: (store: ActorStore, key: any SigningKey, lastUse: UInt64, usedAt: ContinuousClock.Instant)] = [:]
    private var tick: UInt64 = 0
    static let idleLifetime: Duration = .seconds(300)

    /// Decoded MST nodes each store keeps (its write path; see `ActorStore`).
    public static let nodeCacheCapacity = 1_000
    /// What one open store's caches may hold at most: its SQLite page caches (the writer's and
    /// each reader's) and its MST nodes (about 1 KiB each, decoded).
    public static func cacheBytesPerStore(_ options: SQLiteOptions) -> Int {
        let store = options.perAccountStore
        let sqliteKiB = (store.writerCacheKiB ?? 2048) + (store.maximumReaders ?? 5) * (store.readerCacheKiB ?? 2048)
        return sqliteKiB * 1024 + nodeCacheCapacity * 1024
    }

    public init(dataDirectory: URL, options: SQLiteOptions = SQLiteOptions(), capacity: Int = 256) {
        layout = ActorStoreLayout(dataDirectory: dataDirectory)
        self.options = options.perAccountStore
        self.capacity = capacity
    }

    /// A pool whose open stores' caches stay within `cacheMB` megabytes together
    /// (`PDS_REPO_CACHE_MB`), and never fewer than 4 stores.
    public init(dataDirectory: URL, options: SQLiteOptions = SQLiteOptions(), cacheMB: Int) {
        self.init(dataDirectory: dataDirectory, options: options,
                  capacity: max(4, cacheMB * 1_048_576 / Self.cacheBytesPerStore(options)))
    }

    /// Creates the files of a new account: its signing key and an empty store.
    public func create(did: String, key: any SigningKey) throws -> ActorStore {
        let dir = layout.databasePath(for: did).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        guard !FileManager.default.fileExists(atPath: layout.databasePath(for: did).path) else {
            throw RepoServiceError.invalidRequest("an account store for \(did) already exists")
        }
        try SigningKeyFile.write(key, to: layout.keyPath(for: did))
        let store = try ActorStore(did: did, path: layout.databasePath(for: did).path, options: options,
                                   nodeCache: MSTNodeCache(capacity: Self.nodeCacheCapacity))
        remember(did, store, key)
        return store
    }

    /// The store and signing key of an existing account.
    public func store(for did: String) throws -> (store: ActorStore, key: any SigningKey) {
        tick += 1
        if tick % 256 == 0 { closeIdle() }
        if let hit = open[did] {
            open[did]?.lastUse = tick
            open[did]?.usedAt = .now
            return (hit.store, hit.key)
        }
        let path = layout.databasePath(for: did)
        guard FileManager.default.fileExists(atPath: path.path) else { throw RepoServiceError.repoNotFound(did) }
        let key = try SigningKeyFile.read(layout.keyPath(for: did))
        let store = try ActorStore(did: did, path: path.path, options: options, nodeCache: MSTNodeCache(capacity: Self.nodeCacheCapacity))
        remember(did, store, key)
        return (store, key)
    }

    /// Closes an account's store if open.
    func forget(_ did: String) { open[did] = nil }

    /// How many stores are open now.
    public var openCount: Int { open.count }

    private func remember(_ did: String, _ store: ActorStore, _ key: any SigningKey) {
        tick += 1
        if open.count >= capacity, let oldest = open.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            // Dropping the last reference closes the database.
            open[oldest.key] = nil
        }
        open[did] = (store, key, tick, .now)
    }

    /// Closes the stores no call used for `idleLifetime` (a store still in use elsewhere stays
    /// open until that use ends: only the pool's reference goes).
    private func closeIdle() {
        let cutoff = ContinuousClock.now - Self.idleLifetime
        for (did, entry) in open where entry.usedAt < cutoff { open[did] = nil }
    }
}

extension ActorStorePool {
    var reservedDirectory: URL { layout.root.appendingPathComponent("reserved") }

    /// Makes a signing key for an account whose DID does not exist yet.
    public func reserveKey(algorithm: KeyAlgorithm) throws -> any SigningKey {
        let key = algorithm.generateSigningKey()
        try FileManager.default.createDirectory(at: reservedDirectory, withIntermediateDirectories: true)
        try SigningKeyFile.write(key, to: reservedDirectory.appendingPathComponent(key.didKey + ".key"))
        return key
    }

    /// The key reserved for `did` (an account migrating here), made on the first call and
    /// answered again on the next ones, as the reference PDS's `reserveSigningKey`. An alias
    /// file names the did:key; the key itself is kept as any reserved key.
    public func reserveKey(algorithm: KeyAlgorithm, for did: String) throws -> any SigningKey {
        let alias = reservedDirectory.appendingPathComponent("for-" + did.replacingOccurrences(of: ":", with: "_") + ".alias")
        if let didKey = try? String(contentsOf: alias, encoding: .utf8), let key = try reservedKey(didKey) { return key }
        let key = try reserveKey(algorithm: algorithm)
        try Data(key.didKey.utf8).write(to: alias, options: .atomic)
        return key
    }

    /// The reserved key with this did:key, if any.
    public func reservedKey(_ didKey: String) throws -> (any SigningKey)? {
        let url = reservedDirectory.appendingPathComponent(didKey + ".key")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try SigningKeyFile.read(url)
    }

    /// Forgets a reserved key once it is in use.
    public func releaseReservation(_ didKey: String) {
        try? FileManager.default.removeItem(at: reservedDirectory.appendingPathComponent(didKey + ".key"))
    }

    /// Deletes reserved keys older than `age`: a creation uses its key within seconds, so
    /// an old one belongs to a creation that was undone (AuthService cannot release it) and
    /// would otherwise stay on disk for ever. Returns how many were removed.
    @discardableResult
    public func removeStaleReservations(olderThan age: TimeInterval = 86_400, now: Date = Date()) -> Int {
        let fm = FileManager.default
        var removed = 0
        for name in (try? fm.contentsOfDirectory(atPath: reservedDirectory.path)) ?? [] where name.hasSuffix(".key") || name.hasSuffix(".alias") {
            let url = reservedDirectory.appendingPathComponent(name)
            guard let modified = (try? fm.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) > age else { continue }
            if (try? fm.removeItem(at: url)) != nil { removed += 1 }
        }
        return removed
    }

    /// Deletes an account's files (store and key).
    public func delete(did: String) throws {
        forget(did)
        for path in [layout.databasePath(for: did).path, layout.keyPath(for: did).path] {
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.removeItem(atPath: path + suffix)
            }
        }
    }

    /// Every account with a store on disk.
    public func allDIDs() -> [String] {
        let fm = FileManager.default
        var out = [String]()
        for shard in (try? fm.contentsOfDirectory(atPath: layout.root.path)) ?? [] where shard.count == 2 {
            for file in (try? fm.contentsOfDirectory(atPath: layout.root.appendingPathComponent(shard).path)) ?? []
            where file.hasSuffix(".sqlite") {
                out.append(String(file.dropLast(".sqlite".count)))
            }
        }
        return out.sorted()
    }
}
