import EventStream
import Synchronization
import Testing

/// Subscriptions leave the hub when their connection ends, and an overflow is visible to
/// whoever watches the subscription (the gateway's cut-off watch).
@Suite struct EventHubTests {
    @Test func cancelLeavesAndOverflowIsVisible() async {
        let hub = EventHub(capacity: 2)
        let watched = hub.subscribe()
        let other = hub.subscribe()
        #expect(hub.count == 2)
        watched.cancel()
        #expect(hub.count == 1)
        // The other one reads nothing: the third event overflows its queue of two.
        for seq in 1...2 { hub.publish(StreamEvent(seq: Int64(seq), frame: [UInt8(seq)])) }
        #expect(!other.isTooSlow)
        hub.publish(StreamEvent(seq: 3, frame: [3]))
        #expect(other.isTooSlow && hub.count == 0)
        // What was queued before the overflow is still there, then the end.
        var seqs: [Int64] = []
        for await event in other.events { seqs.append(event.seq) }
        #expect(seqs == [1, 2])
    }

    /// With many subscribers events are held for the linger and then delivered together, in
    /// order, to everyone; with few they go out at once.
    @Test func manySubscribersGetEventsTogetherAfterTheLinger() async throws {
        let hub = EventHub(capacity: 100, lingerPerSubscriber: .milliseconds(10), maxLinger: .milliseconds(50))
        #expect(hub.linger(subscribers: 0) == .zero)
        #expect(hub.linger(subscribers: 3) == .milliseconds(30))
        #expect(hub.linger(subscribers: 1000) == .milliseconds(50))
        #expect(EventHub().linger(subscribers: 10) == .zero && EventHub().linger(subscribers: 1000) == .milliseconds(20))
        let subs = (0..<3).map { _ in hub.subscribe() }
        for seq in 1...5 { hub.publish(StreamEvent(seq: Int64(seq), frame: [UInt8(seq)])) }
        #expect(subs.allSatisfy { $0.queuedCount == 0 }, "held for the linger")
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while subs.contains(where: { $0.queuedCount < 5 }) && clock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        hub.publish(StreamEvent(seq: 6, frame: [6]))
        for sub in subs {
            var seqs: [Int64] = []
            for await event in sub.events {
                seqs.append(event.seq)
                if seqs.count == 6 { break }
            }
            #expect(seqs == [1, 2, 3, 4, 5, 6])
        }
    }

    /// A sink that records what it gets, reports a gap when told to, and closes on demand.
    final class RecordingSink: LiveSink {
        let state = Mutex<(seqs: [Int64], gapAt: Int64?, closed: Bool, fellBack: Bool)>(([], nil, false, false))
        func deliver(_ events: ArraySlice<StreamEvent>) -> LiveDelivery {
            state.withLock { s in
                if s.closed { return .closed }
                for (i, e) in events.enumerated() {
                    if e.seq == s.gapAt { return .gap(at: i) }
                    s.seqs.append(e.seq)
                }
                return .sent
            }
        }
        func fellBack() { state.withLock { $0.fellBack = true } }
    }

    @Test func aCaughtUpSubscriberTakesEventsDirectlyUntilAGapOrItCloses() async throws {
        let hub = EventHub()
        let sub = hub.subscribe()
        hub.publish(StreamEvent(seq: 1, frame: [1]))
        let sink = RecordingSink()
        #expect(!hub.goDirect(sub, sink: sink), "an event is still queued for the reader")
        var reader = sub.events.makeAsyncIterator()
        #expect(await reader.next()?.seq == 1)
        sub.took()
        #expect(hub.goDirect(sub, sink: sink))
        hub.publish(StreamEvent(seq: 2, frame: [2]))
        sink.state.withLock { $0.gapAt = 4 }
        hub.publish(StreamEvent(seq: 3, frame: [3]))
        #expect(sub.queuedCount == 0)
        // The sink refuses 4: it goes to the reader's queue instead, and so does what follows.
        hub.publish(StreamEvent(seq: 4, frame: [4]))
        hub.publish(StreamEvent(seq: 5, frame: [5]))
        #expect(sink.state.withLock { $0.seqs } == [2, 3] && sink.state.withLock { $0.fellBack })
        #expect(await reader.next()?.seq == 4)
        #expect(await reader.next()?.seq == 5)
        sub.took(); sub.took()
        // Direct again, then the connection closes: the hub drops the subscriber.
        let second = RecordingSink()
        #expect(hub.goDirect(sub, sink: second))
        second.state.withLock { $0.closed = true }
        hub.publish(StreamEvent(seq: 6, frame: [6]))
        #expect(hub.count == 0)
        #expect(await reader.next() == nil)
    }
}
