import ATCrypto
import Config
import Foundation
import RepoService
import Storage
import Syntax
import Testing

/// The pool's memory bound: `PDS_REPO_CACHE_MB` decides how many stores stay open.
@Suite struct ActorStorePoolTests {
    @Test func theCacheBudgetBoundsTheOpenStores() async throws {
        let dir = try TempDirectory()
        let perStore = ActorStorePool.cacheBytesPerStore(SQLiteOptions())
        #expect(perStore > 1_000_000 && perStore < 4_000_000, "\(perStore) bytes per store")
        let pool = ActorStorePool(dataDirectory: dir.url, cacheMB: 16)
        #expect(pool.capacity == 16 * 1_048_576 / perStore)
        let key = K256PrivateKey()
        var dids: [String] = []
        for i in 0..<(pool.capacity + 6) {
            let did = "did:plc:pooltest\(String(repeating: "a", count: 10))\(i)"
            let store = try await pool.create(did: did, key: key)
            _ = try await store.createRepo(key: key, rev: TIDClock.shared.next().string)
            dids.append(did)
            #expect(await pool.openCount <= pool.capacity)
        }
        // A closed store opens again with its data.
        let first = try await pool.store(for: dids[0])
        #expect(try first.store.head() != nil)
        #expect(await pool.openCount == pool.capacity)
        #expect(ActorStorePool(dataDirectory: dir.url, cacheMB: 1).capacity == 4, "never fewer than 4")
    }

    @Test func theBudgetIsConfiguredByEnvironment() throws {
        let base = ["PDS_DATA_DIRECTORY": NSTemporaryDirectory() + "pool-\(UUID().uuidString.prefix(6))",
                    "PDS_JWT_SECRET": "0123456789abcdef0123", "PDS_ADMIN_PASSWORD": "x", "PDS_HOSTNAME": "localhost"]
        #expect(try PDSConfig(environment: base).repoCacheMB == 256)
        #expect(try PDSConfig(environment: base.merging(["PDS_REPO_CACHE_MB": "64"]) { $1 }).repoCacheMB == 64)
        #expect(throws: ConfigError.self) { try PDSConfig(environment: base.merging(["PDS_REPO_CACHE_MB": "lots"]) { $1 }) }
    }
}
