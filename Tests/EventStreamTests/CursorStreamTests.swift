import EventStream
import IPLD
import Synchronization
import Testing

/// An in-memory sequencer for the cursor logic.
final class FakeHistory: Sendable {
    let events = Mutex<[StreamEvent]>([])
    let oldestRetained = Mutex<Int64>(1)

    func add(_ seq: Int64) -> StreamEvent {
        let e = StreamEvent(seq: seq, frame: EventFrame.message(.commit, body: ["seq": .int(seq)]))
        events.withLock { $0.append(e) }
        return e
    }

    var history: EventHistory {
        EventHistory(
            head: { self.events.withLock { $0.last?.seq ?? 0 } },
            oldest: { let o = self.oldestRetained.withLock { $0 }; return self.events.withLock { $0.isEmpty } ? nil : o },
            after: { cursor, limit in
                let o = self.oldestRetained.withLock { $0 }
                return Array(self.events.withLock { $0 }.filter { $0.seq > cursor && $0.seq >= o }.prefix(limit))
            })
    }
}

func seqs(_ frames: [[UInt8]]) throws -> [Int64] {
    try frames.compactMap { f in try EventFrame.decode(f).body["seq"]?.intValue }
}

@Suite struct CursorStreamTests {
    @Test func replayThenLiveWithoutGapOrDuplicate() async throws {
        let fake = FakeHistory()
        let hub = EventHub(capacity: 10_000)
        for s in 1...1200 { _ = fake.add(Int64(s)) }
        var it = CursorStream(cursor: 100, hub: hub, history: fake.history).makeAsyncIterator()
        var got = [[UInt8]]()
        for _ in 0..<600 { got.append(try await it.next()!) }
        // Events sequenced mid-replay reach history and the hub both.
        for s in 1201...1210 { hub.publish(fake.add(Int64(s))) }
        while got.count < 1110 { got.append(try await it.next()!) }
        #expect(try seqs(got) == Array(101...1210))
        // Live only from here.
        hub.publish(fake.add(1211))
        #expect(try seqs([try await it.next()!]) == [1211])
    }

    @Test func gapBetweenSentAndLiveIsFilledFromHistory() async throws {
        let fake = FakeHistory()
        let hub = EventHub()
        for s in 1...5 { _ = fake.add(Int64(s)) }
        var it = CursorStream(cursor: 5, hub: hub, history: fake.history).makeAsyncIterator()
        // Events 6 and 7 were stored but only 8 reached this gateway live.
        _ = fake.add(6); _ = fake.add(7)
        hub.publish(fake.add(8))
        var got = [[UInt8]]()
        for _ in 0..<3 { got.append(try await it.next()!) }
        #expect(try seqs(got) == [6, 7, 8])
    }

    @Test func noCursorIsLiveOnly() async throws {
        let fake = FakeHistory()
        let hub = EventHub()
        for s in 1...5 { _ = fake.add(Int64(s)) }
        var it = CursorStream(cursor: nil, hub: hub, history: fake.history).makeAsyncIterator()
        let task = Task { try await it.next() }
        try await Task.sleep(for: .milliseconds(50))
        hub.publish(fake.add(6))
        #expect(try seqs([try await task.value!]) == [6])
    }

    @Test func futureAndOutdatedCursors() async throws {
        let fake = FakeHistory()
        let hub = EventHub()
        for s in 1...10 { _ = fake.add(Int64(s)) }
        var future = CursorStream(cursor: 11, hub: hub, history: fake.history).makeAsyncIterator()
        let err = try EventFrame.decode(try await future.next()!)
        #expect(err.header["op"] == -1)
        #expect(err.body["error"] == "FutureCursor")
        #expect(try await future.next() == nil)

        fake.oldestRetained.withLock { $0 = 6 }
        var outdated = CursorStream(cursor: 2, hub: hub, history: fake.history).makeAsyncIterator()
        let info = try EventFrame.decode(try await outdated.next()!)
        #expect(info.header["t"] == "#info")
        #expect(info.body["name"] == "OutdatedCursor")
        var got = [[UInt8]]()
        for _ in 0..<5 { got.append(try await outdated.next()!) }
        #expect(try seqs(got) == [6, 7, 8, 9, 10])
    }

    @Test func slowConsumerIsCutOffWithoutSlowingOthers() async throws {
        let fake = FakeHistory()
        let hub = EventHub(capacity: 10)
        var slow = CursorStream(cursor: nil, hub: hub, history: fake.history).makeAsyncIterator()
        var fast = CursorStream(cursor: nil, hub: hub, history: fake.history).makeAsyncIterator()
        // Start both iterators (they subscribe when created).
        #expect(hub.count == 2)
        var fastGot = [[UInt8]]()
        for s in 1...30 {
            hub.publish(fake.add(Int64(s)))
            fastGot.append(try await fast.next()!)
        }
        #expect(try seqs(fastGot) == Array(1...30))
        // The slow one got its 10 queued events, then the error, then the end.
        var slowFrames = [[UInt8]]()
        while let f = try await slow.next() { slowFrames.append(f) }
        #expect(try seqs(Array(slowFrames.dropLast())) == Array(1...10))
        #expect(try EventFrame.decode(slowFrames.last!).body["error"] == "ConsumerTooSlow")
        #expect(hub.count == 1)
    }
}
