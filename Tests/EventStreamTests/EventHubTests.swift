@testable import EventStream
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

    /// With few subscribers events go out at once; with many, the linger grows with them up
    /// to its cap, and the pacing task delivers every event to everyone, in order, once.
    @Test func manySubscribersAreReachedWithinTheLinger() async throws {
        let hub = EventHub(capacity: 100, lingerPerSubscriber: .milliseconds(10), maxLinger: .milliseconds(50))
        #expect(hub.linger(subscribers: 0) == .zero)
        #expect(hub.linger(subscribers: 3) == .milliseconds(30))
        #expect(hub.linger(subscribers: 1000) == .milliseconds(50))
        #expect(EventHub().linger(subscribers: 10) == .zero && EventHub().linger(subscribers: 1000) == .milliseconds(20))
        let subs = (0..<3).map { _ in hub.subscribe() }
        for seq in 1...5 { hub.publish(StreamEvent(seq: Int64(seq), frame: [UInt8(seq)])) }
        #expect(subs.allSatisfy { $0.queuedCount == 0 }, "held for the walk")
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

    /// The paced walk reaches the subscribers a slice at a time, in proportion to the time
    /// gone by (the whole round per linger), each getting everything it has not had; a
    /// subscriber that joins meanwhile gets only what is published after it joined.
    @Test func thePacedWalkReachesSubscribersASliceAtATime() async throws {
        // Ten subscribers: a linger of 100 ms. The pacing task's own tick is an hour away, so
        // only the steps taken here move the walk.
        let hub = EventHub(capacity: 100, lingerPerSubscriber: .milliseconds(10), maxLinger: .seconds(1), tick: .seconds(3600))
        let subs = (0..<10).map { _ in hub.subscribe() }
        let start = ContinuousClock.now
        for seq in 1...3 { hub.publish(StreamEvent(seq: Int64(seq), frame: [UInt8(seq)])) }
        // 35 ms of the 100 ms linger: three and a half subscribers' worth, so three.
        #expect(hub.step(at: start + .milliseconds(35)))
        #expect(subs.map(\.queuedCount) == [3, 3, 3, 0, 0, 0, 0, 0, 0, 0])
        let late = hub.subscribe()
        hub.publish(StreamEvent(seq: 4, frame: [4]))
        // 60 ms more, with eleven subscribers (a linger of 110 ms): six more, who get 1...4
        // together; the late one's turn has not come yet.
        #expect(hub.step(at: start + .milliseconds(95)))
        #expect(subs.map(\.queuedCount) == [3, 3, 3, 4, 4, 4, 4, 4, 4, 0] && late.queuedCount == 0)
        // A step long overdue reaches everyone once, no more: the last of the ten gets 1...4,
        // the late one only event 4 (published after it joined), the first three event 4.
        // Then everyone has everything, and pacing stops.
        #expect(!hub.step(at: start + .milliseconds(300)))
        #expect(subs.allSatisfy { $0.queuedCount == 4 } && late.queuedCount == 1)
        for sub in subs {
            var seqs: [Int64] = []
            for await event in sub.events {
                seqs.append(event.seq)
                if seqs.count == 4 { break }
            }
            #expect(seqs == [1, 2, 3, 4])
        }
        var lateEvents = late.events.makeAsyncIterator()
        #expect(await lateEvents.next()?.seq == 4)
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
