import ATCrypto
import Foundation
import GRDB
import IPLD
import Repo
@testable import RepoService
import Syntax
import Testing

/// The outbox's in-memory mirror: what the relay hands to FirehoseService must always be
/// what the table holds, in commit order, and acknowledged rows must leave the table.
@Suite struct OutboxMirrorTests {
    static func rowIDs(_ store: ActorStore) async throws -> [Int64] {
        try await store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM outbox_event ORDER BY id") }
    }

    static func write(_ store: ActorStore, key: any SigningKey, clock: TIDClock) async throws {
        _ = try await store.applyWrites([.create(path: "app.bsky.feed.post/\(clock.next().string)", record: ActorStoreTests.post("x"))],
                                        key: key, clock: clock)
    }

    @Test func acknowledgedRowsGoWithTheNextWriteOrAFlush() async throws {
        let dir = try TempDirectory()
        let (_, store, key) = try await ActorStoreTests().makeStore(dir)
        let clock = TIDClock()
        for _ in 0..<3 { try await Self.write(store, key: key, clock: clock) }
        // The repo's first #commit and #sync, then three writes.
        let pending = try await store.pendingOutbox()
        #expect(pending.map(\.id) == (try await Self.rowIDs(store)))
        #expect(pending.count == 5)

        store.acknowledgeOutbox(through: pending[2].id)
        #expect(try await store.pendingOutbox().map(\.id) == pending[3...].map(\.id))
        #expect(try await Self.rowIDs(store).count == 5, "acknowledging alone writes nothing")

        // The next write takes the acknowledged rows with it.
        try await Self.write(store, key: key, clock: clock)
        let afterWrite = try await Self.rowIDs(store)
        #expect(afterWrite.count == 3 && afterWrite.first == pending[3].id)
        let held = try await store.pendingOutbox()
        #expect(held.map(\.id) == afterWrite)
        #expect(try DAGCBOR.decode(held.last!.event)["rev"] == .string(try #require(try store.head()).rev))

        // With no write to come, a flush deletes them.
        store.acknowledgeOutbox(through: held.last!.id)
        #expect(try await store.pendingOutbox().isEmpty)
        #expect(try await Self.rowIDs(store).count == 3)
        try await store.flushOutboxAcknowledgements()
        #expect(try await Self.rowIDs(store).isEmpty)
    }

    @Test func aReopenedStoreResendsWhatWasAcknowledgedButNotDeleted() async throws {
        let dir = try TempDirectory()
        let (pool, store, key) = try await ActorStoreTests().makeStore(dir)
        let clock = TIDClock()
        for _ in 0..<2 { try await Self.write(store, key: key, clock: clock) }
        let pending = try await store.pendingOutbox()
        store.acknowledgeOutbox(through: pending.last!.id)
        #expect(try await store.pendingOutbox().isEmpty)
        // A crash now loses the acknowledgement, not an event: a store opened on the same
        // file (a restarted RepoService) reads the rows again (FirehoseService drops the
        // duplicates by their dedupe key).
        let path = await pool.layout.databasePath(for: ActorStoreTests.did).path
        let reopened = try ActorStore(did: ActorStoreTests.did, path: path)
        #expect(try await reopened.pendingOutbox().map(\.dedupeKey) == pending.map(\.dedupeKey))
    }

    @Test func concurrentWritesReachTheMirrorInCommitOrder() async throws {
        let dir = try TempDirectory()
        let (_, store, key) = try await ActorStoreTests().makeStore(dir)
        let clock = TIDClock()
        _ = try await store.pendingOutbox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 { group.addTask { try await Self.write(store, key: key, clock: clock) } }
            try await group.waitForAll()
        }
        let held = try #require(store.outbox.take(limit: 1_000), "the mirror holds the whole tail")
        #expect(held.map(\.id) == (try await Self.rowIDs(store)))
        let revs = try held.filter { $0.kind == "#commit" }.map { try DAGCBOR.decode($0.event)["rev"]?.stringValue ?? "" }
        #expect(revs == revs.sorted() && Set(revs).count == revs.count, "ids and revs rise together")
    }

    @Test func aFullMirrorLetsGoAndTheTableIsReadAgain() {
        let mirror = OutboxMirror()
        func event(_ id: Int64) -> PendingOutboxEvent { PendingOutboxEvent(id: id, kind: "#commit", rev: "\(id)", dedupeKey: "\(id)", event: []) }
        #expect(mirror.take(limit: 10) == nil, "a store just opened may have rows from before")
        mirror.committed([event(1)], deletedThrough: nil)
        #expect(mirror.take(limit: 10) == nil, "commits alone do not make the mirror whole")
        mirror.loaded([event(1)], complete: true)
        mirror.committed((2...Int64(OutboxMirror.capacity)).map(event), deletedThrough: nil)
        #expect(mirror.take(limit: 10_000)?.count == OutboxMirror.capacity)
        mirror.committed([event(Int64(OutboxMirror.capacity) + 1)], deletedThrough: nil)
        #expect(mirror.take(limit: 10) == nil, "past its capacity the mirror defers to the table")
        // A partial read of the table does not make it whole again; a complete one does.
        mirror.loaded([event(2)], complete: false)
        #expect(mirror.take(limit: 10) == nil)
        mirror.acknowledge(through: 1)
        mirror.loaded([event(1), event(2)], complete: true)
        #expect(mirror.take(limit: 10)?.map(\.id) == [2], "acknowledged events are not handed out again")
        #expect(mirror.deletableThrough == 1)
        mirror.committed([], deletedThrough: 1)
        #expect(mirror.deletableThrough == nil)
    }
}
