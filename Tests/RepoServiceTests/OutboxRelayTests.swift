import ATCrypto
import FirehoseService
import Foundation
import GRDB
import IPC
import IPLD
@testable import RepoService
import Synchronization
import Syntax
import Testing

/// The relay against a real FirehoseService (in-process, its own sequencer.sqlite): every
/// committed event is sequenced once, in commit order, and the outbox table empties without
/// another write to take the acknowledged rows with it.
@Suite struct OutboxRelayTests {
    @Test func everyEventIsSequencedOnceAndTheOutboxEmpties() async throws {
        let dir = try TempDirectory()
        let (stores, store, key) = try await ActorStoreTests().makeStore(dir)
        let sequencer = try Sequencer(path: dir.url.appendingPathComponent("sequencer.sqlite").path)
        let relay = OutboxRelay(stores: stores, firehose: FirehoseServiceImplementation(sequencer: sequencer, publisher: nil))
        let clock = TIDClock()
        await relay.notify(ActorStoreTests.did)
        for _ in 0..<5 {
            try await OutboxMirrorTests.write(store, key: key, clock: clock)
            await relay.notify(ActorStoreTests.did)
        }

        var left = try await OutboxMirrorTests.rowIDs(store)
        let deadline = ContinuousClock.now + .seconds(10)
        while !left.isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            left = try await OutboxMirrorTests.rowIDs(store)
        }
        #expect(left.isEmpty, "acknowledged rows are deleted with no further write")

        // The repo's first #commit and #sync, then five writes: seqs 1...7, revs rising.
        let events = try await sequencer.events(after: 0)
        #expect(events.map(\.seq) == Array(1...7))
        #expect(events.map(\.kind) == [.commit, .sync] + Array(repeating: .commit, count: 5))
        let revs = events.dropFirst(2).map { $0.body["rev"]?.stringValue ?? "" }
        #expect(revs == revs.sorted() && Set(revs).count == 5)
        #expect(events.last?.body["rev"] == .string(try #require(try store.head()).rev))
    }

    /// Three accounts writing at once, with FirehoseService a round trip of 5 ms away: the
    /// relay keeps two calls going (the second carrying the accounts that committed meanwhile),
    /// never one account in both, so every account's events are sequenced once and in commit
    /// order, and seqs have no gap.
    @Test func twoCallsAtOnceKeepEachAccountsOrder() async throws {
        let dir = try TempDirectory()
        let (stores, first, key) = try await ActorStoreTests().makeStore(dir)
        let dids = [ActorStoreTests.did, "did:plc:relaysecondaccount", "did:plc:relaythirdaccount"]
        var accounts = [(ActorStoreTests.did, first)]
        for did in dids.dropFirst() {
            let store = try await stores.create(did: did, key: key)
            _ = try await store.createRepo(key: key, rev: TIDClock.shared.next().string)
            accounts.append((did, store))
        }
        let sequencer = try Sequencer(path: dir.url.appendingPathComponent("sequencer.sqlite").path)
        let firehose = DistantFirehose(FirehoseServiceImplementation(sequencer: sequencer, publisher: nil))
        let relay = OutboxRelay(stores: stores, firehose: firehose)
        let writes = 15
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (did, store) in accounts {
                group.addTask {
                    let clock = TIDClock()
                    await relay.notify(did)
                    for _ in 0..<writes {
                        try await OutboxMirrorTests.write(store, key: key, clock: clock)
                        await relay.notify(did)
                    }
                }
            }
            try await group.waitForAll()
        }

        let total = accounts.count * (2 + writes)
        var events = try await sequencer.events(after: 0)
        let deadline = ContinuousClock.now + .seconds(20)
        while events.count < total && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            events = try await sequencer.events(after: 0)
        }
        #expect(events.map(\.seq) == Array(1...Int64(total)))
        for (did, store) in accounts {
            let mine = events.filter { $0.body["repo"]?.stringValue == did || $0.body["did"]?.stringValue == did }
            let revs = mine.filter { $0.kind == .commit }.compactMap { $0.body["rev"]?.stringValue }
            #expect(revs.count == 1 + writes && revs == revs.sorted() && Set(revs).count == revs.count, "\(did)")
            #expect(revs.last == (try store.head())?.rev)
        }
        #expect(firehose.mostAtOnce.load(ordering: .relaxed) == 2, "a second call went out while the first was on its way")
    }
}

/// The real FirehoseService behind a 5 ms round trip, counting the calls under way at once.
private final class DistantFirehose: FirehoseServiceAPI {
    let service: FirehoseServiceImplementation
    let atOnce = Atomic<Int>(0)
    let mostAtOnce = Atomic<Int>(0)

    init(_ service: FirehoseServiceImplementation) { self.service = service }

    func appendEvents(_ request: FirehoseTypes.AppendRequest) async throws(IPCError) -> FirehoseTypes.AppendResponse {
        let now = atOnce.add(1, ordering: .relaxed).newValue
        mostAtOnce.max(now, ordering: .relaxed)
        defer { atOnce.subtract(1, ordering: .relaxed) }
        try? await Task.sleep(for: .milliseconds(5))
        return try await service.appendEvents(request)
    }

    func eventsAfter(_ request: FirehoseTypes.AfterRequest) async throws(IPCError) -> FirehoseTypes.AfterResponse {
        try await service.eventsAfter(request)
    }

    func state(_ request: Empty) async throws(IPCError) -> FirehoseTypes.StateResponse { try await service.state(request) }
    func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { try await service.ping(request) }
}
