import Synchronization

/// Fans live events out to subscribers, each through its own bounded queue.
///
/// Publishing never waits: a subscriber whose queue is full is cut off (it then gets
/// `ConsumerTooSlow`), so one slow reader can slow neither the others nor the writers.
public final class EventHub: Sendable {
    /// A subscriber's live feed.
    public final class Subscription: Sendable {
        public let events: AsyncStream<StreamEvent>
        let continuation: AsyncStream<StreamEvent>.Continuation
        let id: UInt64
        private let overflowed = Atomic<Bool>(false)
        /// Events delivered and not yet taken: lets a writer batch what is already waiting.
        private let queued = Atomic<Int>(0)

        init(id: UInt64, capacity: Int) {
            self.id = id
            (events, continuation) = AsyncStream.makeStream(of: StreamEvent.self, bufferingPolicy: .bufferingOldest(capacity))
        }

        /// True once the subscriber fell too far behind and was cut off.
        public var isTooSlow: Bool { overflowed.load(ordering: .acquiring) }

        /// How many delivered events are waiting to be taken (the next `queued` reads of
        /// `events` will not wait).
        public var queuedCount: Int { queued.load(ordering: .relaxed) }

        /// Notes that one event was taken from `events`.
        public func took() { queued.subtract(1, ordering: .relaxed) }

        /// Leaves the hub now (the connection is gone), dropping anything still queued.
        public func cancel() { continuation.finish() }

        func deliver(_ event: StreamEvent) -> Bool {
            switch continuation.yield(event) {
            case .enqueued:
                queued.add(1, ordering: .relaxed)
                return true
            case .dropped:
                // Finished by the hub once it has let go of its lock.
                overflowed.store(true, ordering: .releasing)
                return false
            case .terminated: return false
            @unknown default: return false
            }
        }
    }

    private struct State {
        var subscribers: [UInt64: Subscription] = [:]
        /// Subscribers that take live events straight into a sink (see `goDirect`).
        var direct: [UInt64: any LiveSink] = [:]
        /// Events published and not yet delivered (a linger is running).
        var pending: [StreamEvent] = []
        var flushScheduled = false
    }

    private let state = Mutex(State())
    private let nextID = Atomic<UInt64>(0)
    /// Events a subscriber may have queued before it is cut off.
    public let capacity: Int
    /// How long delivery may wait per connected subscriber, and at most (see `linger`).
    public let lingerPerSubscriber: Duration
    public let maxLinger: Duration

    /// - Parameters:
    ///   - lingerPerSubscriber: with many subscribers, events are held this long per
    ///     subscriber (at most `maxLinger`) and then delivered together. Every delivery wakes
    ///     each subscriber's writer and costs it a socket write; with 1,000 subscribers and
    ///     hundreds of events a second that is hundreds of thousands of wake-ups a second, more
    ///     than the gateway's cores can do, and latency grows without bound. Holding events
    ///     20 ms at 1,000 subscribers bounds that to 50 deliveries per subscriber a second
    ///     whatever the write rate, for at most 20 ms of added latency. Below 1 ms (fewer than
    ///     50 subscribers at the default) events go out at once.
    public init(capacity: Int = 1000, lingerPerSubscriber: Duration = .microseconds(20), maxLinger: Duration = .milliseconds(20)) {
        self.capacity = capacity
        self.lingerPerSubscriber = lingerPerSubscriber
        self.maxLinger = maxLinger
    }

    /// Registers a subscriber; events published from now on reach it.
    public func subscribe() -> Subscription {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let sub = Subscription(id: id, capacity: capacity)
        state.withLock { $0.subscribers[id] = sub }
        sub.continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return sub
    }

    func unsubscribe(_ id: UInt64) {
        state.withLock {
            $0.subscribers[id] = nil
            $0.direct[id] = nil
        }
    }

    /// Switches a subscriber whose reader has taken everything queued for it to `sink`: live
    /// events then go there instead of to its queue, until the sink reports a gap (then they
    /// go to the queue again and `fellBack` is called) or that the connection closed. False,
    /// changing nothing, when events are still queued for the reader (or it left).
    public func goDirect(_ subscription: Subscription, sink: any LiveSink) -> Bool {
        state.withLock { s in
            // Deliveries happen under this lock, so nothing can be queued between the check
            // and the switch.
            guard s.subscribers[subscription.id] != nil, subscription.queuedCount == 0 else { return false }
            s.direct[subscription.id] = sink
            return true
        }
    }

    /// How long events are held before delivery with `subscribers` connected.
    public func linger(subscribers: Int) -> Duration {
        let linger = min(maxLinger, lingerPerSubscriber * subscribers)
        return linger < .milliseconds(1) ? .zero : linger
    }

    /// Delivers an event to every subscriber without waiting for any of them: at once, or
    /// after the linger together with the events published meanwhile, always in order.
    public func publish(_ event: StreamEvent) {
        let (linger, outcome) = state.withLock { s -> (Duration?, (overflowed: [Subscription], fellBack: [any LiveSink])) in
            s.pending.append(event)
            if s.flushScheduled { return (nil, ([], [])) }
            let linger = self.linger(subscribers: s.subscribers.count)
            if linger == .zero { return (nil, Self.deliverPending(&s)) }
            s.flushScheduled = true
            return (linger, ([], []))
        }
        Self.settle(outcome)
        if let linger {
            Task { [self] in
                try? await Task.sleep(for: linger)
                flush()
            }
        }
    }

    /// Delivers what the linger held.
    func flush() {
        let outcome = state.withLock { s in
            s.flushScheduled = false
            return Self.deliverPending(&s)
        }
        Self.settle(outcome)
    }

    /// What a delivery leaves to do once the lock is released: ending the subscribers cut
    /// off (finishing calls back into `unsubscribe`), telling sinks they fell back.
    private static func settle(_ outcome: (overflowed: [Subscription], fellBack: [any LiveSink])) {
        for sub in outcome.overflowed { sub.continuation.finish() }
        for sink in outcome.fellBack { sink.fellBack() }
    }

    /// Hands the pending events to every subscriber, under the lock so that deliveries never
    /// overtake each other; returns the subscribers that overflowed, removed, to be finished
    /// outside the lock (finishing calls back into `unsubscribe`), and the sinks that fell back.
    private static func deliverPending(_ s: inout State) -> (overflowed: [Subscription], fellBack: [any LiveSink]) {
        let events = s.pending
        s.pending.removeAll(keepingCapacity: true)
        var overflowed: [Subscription] = []
        var fellBack: [any LiveSink] = []
        // Each delivery starts at a random subscriber: with many, the last ones written wait
        // the whole fan-out, and no subscriber should always be among them.
        let order = Array(s.subscribers.values)
        let start = order.isEmpty ? 0 : Int.random(in: 0..<order.count)
        for i in order.indices {
            let sub = order[(start + i) % order.count]
            var queued = events[...]
            if let sink = s.direct[sub.id] {
                switch sink.deliver(events[...]) {
                case .sent: continue
                case .closed:
                    s.direct[sub.id] = nil
                    s.subscribers[sub.id] = nil
                    overflowed.append(sub)  // finished, so its reader ends
                    continue
                case .gap(let index):
                    s.direct[sub.id] = nil
                    fellBack.append(sink)
                    queued = events[(events.startIndex + index)...]
                }
            }
            for event in queued where !sub.deliver(event) {
                if sub.isTooSlow { overflowed.append(sub) }
                s.subscribers[sub.id] = nil
                break
            }
        }
        return (overflowed, fellBack)
    }

    /// How many subscribers are connected.
    public var count: Int { state.withLock { $0.subscribers.count } }
}
