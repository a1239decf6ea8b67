import ATCrypto
import FirehoseService
import Foundation
import GRDB
import IPLD
@testable import RepoService
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
}
