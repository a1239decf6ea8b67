import EventStream
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
}
