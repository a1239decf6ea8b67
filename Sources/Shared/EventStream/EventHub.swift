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

    func unsubscribe(_ id: UInt64) { _ = state.withLock { $0.subscribers.removeValue(forKey: id) } }

    /// How long events are held before delivery with `subscribers` connected.
    public func linger(subscribers: Int) -> Duration {
        let linger = min(maxLinger, lingerPerSubscriber * subscribers)
        return linger < .milliseconds(1) ? .zero : linger
    }

    /// Delivers an event to every subscriber without waiting for any of them: at once, or
    /// after the linger together with the events published meanwhile, always in order.
    public func publish(_ event: StreamEvent) {
        let (linger, overflowed) = state.withLock { s -> (Duration?, [Subscription]) in
            s.pending.append(event)
            if s.flushScheduled { return (nil, []) }
            let linger = self.linger(subscribers: s.subscribers.count)
            if linger == .zero { return (nil, Self.deliverPending(&s)) }
            s.flushScheduled = true
            return (linger, [])
        }
        for sub in overflowed { sub.continuation.finish() }
        if let linger {
            Task { [self] in
                try? await Task.sleep(for: linger)
                flush()
            }
        }
    }

    /// Delivers what the linger held.
    func flush() {
        let overflowed = state.withLock { s -> [Subscription] in
            s.flushScheduled = false
            return Self.deliverPending(&s)
        }
        for sub in overflowed { sub.continuation.finish() }
    }

    /// Hands the pending events to every subscriber, under the lock so that deliveries never
    /// overtake each other; returns the subscribers that overflowed, removed, to be finished
    /// outside the lock (finishing calls back into `unsubscribe`).
    private static func deliverPending(_ s: inout State) -> [Subscription] {
        let events = s.pending
        s.pending.removeAll(keepingCapacity: true)
        var overflowed: [Subscription] = []
        for sub in s.subscribers.values {
            for event in events where !sub.deliver(event) {
                if sub.isTooSlow { overflowed.append(sub) }
                s.subscribers[sub.id] = nil
                break
            }
        }
        return overflowed
    }

    /// How many subscribers are connected.
    public var count: Int { state.withLock { $0.subscribers.count } }
}
