import ATCrypto
import Foundation
import GRDB
import IPLD
import Repo
@testable import RepoService
import Syntax
import Testing

/// The store keeps its current repo only: superseded commits, nodes and records are dropped
/// with each commit, a block two keys share survives losing one of them, and a rebuild resets
/// the repo to a history-free commit announced with `#sync`.
@Suite struct SupersededBlocksTests {
    static let did = ActorStoreTests.did
    static let collection = "app.bsky.feed.post"

    /// The blocks reachable from the head, found by walking the exported tree (not the table).
    static func reachable(_ store: ActorStore) async throws -> (count: Int, verified: VerifiedRepo, car: [UInt8]) {
        let car = ByteCollector()
        try await store.exportCAR { car.append($0) }
        let loaded = MemoryBlockStore()
        let root = try RepoVerifier.load(MemoryByteSource(car.bytes), into: loaded)
        let verified = try RepoVerifier.verify(root: root, store: loaded, did: did)
        let walked = MemoryBlockStore()
        _ = try RepoVerifier.load(MemoryByteSource(try RepoExport.bytes(head: root, store: loaded)), into: walked)
        return (walked.count, verified, car.bytes)
    }

    @Test func commitsDropWhatTheySupersede() async throws {
        let dir = try TempDirectory()
        let (_, store, key) = try await ActorStoreTests().makeStore(dir)
        let clock = TIDClock()
        var rkeys: [String] = []
        for i in 0..<300 {
            let rkey = clock.next().string
            rkeys.append(rkey)
            _ = try await store.applyWrites([.create(path: "\(Self.collection)/\(rkey)", record: ActorStoreTests.post("p\(i)"))], key: key, clock: clock)
        }
        for i in stride(from: 0, to: 300, by: 3) {
            _ = try await store.applyWrites([.update(path: "\(Self.collection)/\(rkeys[i])", record: ActorStoreTests.post("edited \(i)"))], key: key, clock: clock)
        }
        for i in stride(from: 1, to: 300, by: 3) {
            _ = try await store.applyWrites([.delete(path: "\(Self.collection)/\(rkeys[i])")], key: key, clock: clock)
        }
        let (count, verified, car) = try await Self.reachable(store)
        #expect(verified.recordCount == 200)
        #expect(try await store.blockCount() == count, "the table holds exactly the blocks reachable from the head")
        // The one-pass export of a live store carries exactly the tree's blocks too.
        let loaded = MemoryBlockStore()
        _ = try RepoVerifier.load(MemoryByteSource(car), into: loaded)
        #expect(loaded.count == count)
    }

    @Test func aBlockTwoKeysShareSurvivesLosingOne() async throws {
        let dir = try TempDirectory()
        let (_, store, key) = try await ActorStoreTests().makeStore(dir)
        let clock = TIDClock()
        let same = ActorStoreTests.post("identical")
        let a = clock.next().string, b = clock.next().string
        _ = try await store.applyWrites([.create(path: "\(Self.collection)/\(a)", record: same),
                                         .create(path: "\(Self.collection)/\(b)", record: same)], key: key, clock: clock)
        _ = try await store.applyWrites([.delete(path: "\(Self.collection)/\(a)")], key: key, clock: clock)
        let kept = try #require(try await store.record(collection: Self.collection, rkey: b))
        #expect(try kept.value()["text"] == "identical")
        _ = try await store.applyWrites([.update(path: "\(Self.collection)/\(b)", record: ActorStoreTests.post("changed"))], key: key, clock: clock)
        let (count, verified, _) = try await Self.reachable(store)
        #expect(verified.recordCount == 1)
        #expect(try await store.blockCount() == count, "the shared block went once no key pointed to it")
    }

    @Test func rebuildResetsToAHistoryFreeCommitAndAnnouncesIt() async throws {
        let dir = try TempDirectory()
        let (_, store, key) = try await ActorStoreTests().makeStore(dir)
        let clock = TIDClock()
        for i in 0..<50 {
            _ = try await store.applyWrites([.create(path: "\(Self.collection)/\(clock.next().string)", record: ActorStoreTests.post("p\(i)"))], key: key, clock: clock)
        }
        // Leave garbage behind as a store written before blocks were dropped would have.
        let stray = DAGCBOR.encode(ActorStoreTests.post("orphan"))
        try await store.pool.write { db in
            try SQLiteBlockStore.insert([(CID.compute(.dagCBOR, of: stray), stray)], rev: "2222222222222", into: db)
            try db.execute(sql: "DELETE FROM repo_meta")
        }
        let before = try #require(try store.head())
        let beforeTree = try await Self.reachable(store).verified.data
        let outboxBefore = try await store.pendingOutbox().count

        let rebuilt = try await store.rebuild(key: key, clock: clock)
        #expect(rebuilt.records == 50)
        #expect(rebuilt.droppedBlocks >= 1)
        let after = try #require(try store.head())
        #expect(after.cid == rebuilt.commitCID && after.rev > before.rev)
        let (count, verified, _) = try await Self.reachable(store)
        #expect(verified.data == beforeTree, "the same records make the same tree")
        #expect(verified.commit?.verify(with: key.publicKey) == true)
        #expect(try await store.blockCount() == count)

        let outbox = try await store.pendingOutbox()
        #expect(outbox.count == outboxBefore + 1)
        let sync = try #require(outbox.last)
        #expect(sync.kind == "#sync" && sync.rev == rebuilt.rev)
        let body = try DAGCBOR.decode(sync.event)
        #expect(body["did"] == .string(Self.did) && body["rev"] == .string(rebuilt.rev))
        let blocks = MemoryBlockStore()
        let root = try RepoVerifier.load(MemoryByteSource(body["blocks"]?.bytesValue ?? []), into: blocks)
        #expect(root == rebuilt.commitCID && blocks.count == 1, "a #sync carries the commit block only")

        // Announcing again (a reactivation) queues another #sync of the same head.
        let head = try await store.announceSync()
        #expect(head.cid == rebuilt.commitCID)
        let again = try await store.pendingOutbox()
        #expect(again.count == outbox.count + 1 && again.last?.kind == "#sync" && again.last?.dedupeKey != sync.dedupeKey)
    }

    @Test func migrationKeepsUnsentCommitEvents() async throws {
        let dir = try TempDirectory()
        let path = dir.url.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try ActorStoreSchema.migrator.migrate(queue, upTo: "v1")
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO outbox (rev, event, createdAt) VALUES ('3aaaaaaaaaaa2', x'a0', '2026-01-01T00:00:00.000Z')")
        }
        try queue.close()
        let store = try ActorStore(did: Self.did, path: path)
        let pending = try await store.pendingOutbox()
        #expect(pending.count == 1)
        #expect(pending.first?.kind == "#commit" && pending.first?.dedupeKey == "3aaaaaaaaaaa2")
    }

    @Test func aCommitOverTheBlockLimitIsRefusedAndChangesNothing() async throws {
        let dir = try TempDirectory()
        let (_, store, key) = try await ActorStoreTests().makeStore(dir)
        let clock = TIDClock()
        // Distinct records (identical ones would share one block).
        func big(_ i: Int) -> DataValue { ["$type": "com.example.big", "text": .string("\(i)" + String(repeating: "x", count: 900_000))] }
        let head = try #require(try store.head())
        let blocks = try await store.blockCount()
        await #expect(throws: RepoServiceError.self) {
            _ = try await store.applyWrites((0..<3).map { .create(path: "com.example.big/\(clock.next().string)", record: big($0)) },
                                            key: key, clock: clock)
        }
        let blocksAfter = try await store.blockCount()
        #expect(try store.head()?.cid == head.cid && blocksAfter == blocks)
        // Two fit.
        _ = try await store.applyWrites((0..<2).map { .create(path: "com.example.big/\(clock.next().string)", record: big($0)) },
                                        key: key, clock: clock)
    }
}
