import EventStream
import Foundation
@testable import Gateway
import IPC
import Synchronization
import Testing

/// A FirehoseService holding events in memory; the feed's history.
private final class MemoryFirehose: FirehoseServiceAPI {
    let events = Mutex<[FirehoseTypes.Sequenced]>([])

    func add(_ seq: Int64) -> StreamEvent {
        let event = StreamEvent(seq: seq, frame: [UInt8(seq % 256)])
        events.withLock { $0.append(.init(seq: seq, frame: Data(event.frame))) }
        return event
    }

    func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { ProcessIdentity(service: .firehose, version: "t").ping() }
    func appendEvents(_ request: FirehoseTypes.AppendRequest) async throws(IPCError) -> FirehoseTypes.AppendResponse { .init(seqs: []) }
    func eventsAfter(_ r: FirehoseTypes.AfterRequest) async throws(IPCError) -> FirehoseTypes.AfterResponse {
        .init(events: Array(events.withLock { $0 }.filter { $0.seq > r.cursor }.prefix(r.limit)))
    }
    func state(_ request: Empty) async throws(IPCError) -> FirehoseTypes.StateResponse {
        let all = events.withLock { $0 }
        return .init(head: all.last?.seq ?? 0, oldest: all.first?.seq)
    }
}

/// The gateway's feed repairs what PUB/SUB loses: gaps before an event and a missing tail.
@Suite struct FirehoseFeedTests {
    @Test func gapsAndTailsAreFilledFromHistoryAndDuplicatesDropped() async throws {
        let firehose = MemoryFirehose()
        for seq in Int64(1)...3 { _ = firehose.add(seq) }
        let feed = FirehoseFeed(firehose: firehose)
        await feed.catchUp()  // first contact: starts at the head (3)
        let subscription = feed.hub.subscribe()
        var received = subscription.events.makeAsyncIterator()

        // 4 and 5 were lost on the way; 6 arrives, then 6 again.
        _ = firehose.add(4); _ = firehose.add(5)
        let six = firehose.add(6)
        await feed.receive(six)
        await feed.receive(six)
        // 7 and 8 were published while the socket was away and nothing followed: the timer finds them.
        _ = firehose.add(7); _ = firehose.add(8)
        await feed.catchUp()
        await feed.receive(StreamEvent(seq: 5, frame: [5]))  // late duplicate

        var seqs: [Int64] = []
        for _ in 0..<5 { if let e = await received.next() { seqs.append(e.seq) } }
        #expect(seqs == [4, 5, 6, 7, 8])
        #expect(await feed.last == 8)
    }

    /// The event right after the last one published goes to the hub at once, from the socket's
    /// thread; anything else (before first contact, a gap, a duplicate) is left to the actor.
    @Test func theNextEventGoesStraightToTheHub() async throws {
        let firehose = MemoryFirehose()
        for seq in Int64(1)...3 { _ = firehose.add(seq) }
        let feed = FirehoseFeed(firehose: firehose)
        #expect(!feed.order.publishIfNext(StreamEvent(seq: 1, frame: [1]), to: feed.hub), "before first contact")
        await feed.catchUp()  // starts at the head (3)
        let subscription = feed.hub.subscribe()
        var received = subscription.events.makeAsyncIterator()

        #expect(feed.order.publishIfNext(firehose.add(4), to: feed.hub))
        _ = firehose.add(5)
        let six = firehose.add(6)
        #expect(!feed.order.publishIfNext(six, to: feed.hub), "5 is missing")
        await feed.receive(six)  // fills 5 from history, then 6
        #expect(!feed.order.publishIfNext(six, to: feed.hub), "already published")
        #expect(feed.order.publishIfNext(firehose.add(7), to: feed.hub))

        var seqs: [Int64] = []
        for _ in 0..<4 { if let e = await received.next() { seqs.append(e.seq) } }
        #expect(seqs == [4, 5, 6, 7])
        #expect(await feed.last == 7)
    }

    @Test func cursorParameterParsing() {
        #expect(SubscribeRepos.parseCursor(nil) == .none)
        #expect(SubscribeRepos.parseCursor("") == .none)
        #expect(SubscribeRepos.parseCursor("42") == .seq(42))
        #expect(SubscribeRepos.parseCursor("-1") == .invalid("-1"))
        #expect(SubscribeRepos.parseCursor("abc") == .invalid("abc"))
        #expect(SubscribeRepos.queryParameter("cursor", in: "a=1&cursor=7") == "7")
        #expect(SubscribeRepos.queryParameter("cursor", in: "a=1") == nil)
    }
}
