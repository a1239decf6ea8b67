import Gateway
import IPC
import Synchronization
import Testing

/// The gateway's short cache of account statuses for public reads.
@Suite struct AccountStatusCacheTests {
    final class Lookups: Sendable {
        let count = Mutex(0)
        let status = Mutex<String?>(nil)
        let failing = Mutex(false)
        func lookup(_ did: String) throws(IPCError) -> AuthTypes.AccountInfo {
            count.withLock { $0 += 1 }
            if failing.withLock({ $0 }) { throw IPCError.remote(name: "AccountNotFound", message: "no") }
            return AuthTypes.AccountInfo(did: did, handle: "a.test", email: nil, emailConfirmed: false, active: true,
                                         status: status.withLock { $0 }, didDocJSON: nil)
        }
    }

    @Test func cachesHitsForgetsOnChangeAndNeverCachesMisses() async throws {
        let cache = AccountStatusCache()
        let lookups = Lookups()
        let did = "did:plc:abc"
        #expect(try await cache.status(of: did) { () throws(IPCError) in try lookups.lookup(did) } == nil)
        #expect(try await cache.status(of: did) { () throws(IPCError) in try lookups.lookup(did) } == nil)
        #expect(lookups.count.withLock { $0 } == 1)

        lookups.status.withLock { $0 = "takendown" }
        cache.forget(did)
        #expect(try await cache.status(of: did) { () throws(IPCError) in try lookups.lookup(did) } == "takendown")
        #expect(lookups.count.withLock { $0 } == 2)

        let other = "did:plc:new"
        lookups.failing.withLock { $0 = true }
        await #expect(throws: IPCError.self) { try await cache.status(of: other) { () throws(IPCError) in try lookups.lookup(other) } }
        lookups.failing.withLock { $0 = false }
        #expect(try await cache.status(of: other) { () throws(IPCError) in try lookups.lookup(other) } == "takendown")
        #expect(lookups.count.withLock { $0 } == 4)
    }
}
