import ATCrypto
import Foundation
import IPLD
import Repo
import RepoService
import Syntax
import Testing

/// Read-after-write's query: what an account wrote after the AppView's rev.
@Suite struct RecordsSinceTests {
    @Test func recordsAfterARevOldestFirstAndNothingForAForeignRev() async throws {
        let dir = try TempDirectory()
        let pool = ActorStorePool(dataDirectory: dir.url, capacity: 4)
        let key = K256PrivateKey()
        let store = try await pool.create(did: ActorStoreTests.did, key: key)
        let clock = TIDClock()
        _ = try await store.createRepo(key: key, rev: clock.next().string)
        func write(_ path: String, _ text: String) async throws {
            _ = try await store.applyWrites([.create(path: path, record: ActorStoreTests.post(text))], key: key, clock: clock)
        }
        try await write("app.bsky.feed.post/\(clock.next().string)", "seen by the AppView")
        let seenRev = try #require(try store.head()).rev
        #expect(try await store.records(since: seenRev, limit: 10).isEmpty)

        try await write("app.bsky.feed.post/\(clock.next().string)", "new 1")
        try await write("app.bsky.actor.profile/self", "profile")
        try await write("app.bsky.feed.post/\(clock.next().string)", "new 2")
        let found = try await store.records(since: seenRev, limit: 10)
        #expect(found.count == 3)
        #expect(found.map { $0.record.uri.split(separator: "/")[2] } == ["app.bsky.feed.post", "app.bsky.actor.profile", "app.bsky.feed.post"])
        #expect(found.map { try? $0.record.value()["text"] } == [.string("new 1"), .string("profile"), .string("new 2")])
        #expect(!found[0].indexedAt.isEmpty)
        #expect(try await store.records(since: seenRev, limit: 2).count == 2)

        // A rev from before every record here (another PDS's history): nothing to say.
        #expect(try await store.records(since: "2222222222222", limit: 10).isEmpty)
    }
}
