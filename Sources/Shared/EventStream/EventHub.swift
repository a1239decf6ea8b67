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
                overflowed.store(true, ordering: .releasing)
                continuation.finish()
                return false
            case .terminated: return false
            @unknown default: return false
            }
        }
    }

    private let subscribers = Mutex<[UInt64: Subscription]>([:])
    private let nextID = Atomic<UInt64>(0)
    /// Events a subscriber may have queued before it is cut off.
    public let capacity: Int

    public init(capacity: Int = 1000) { self.capacity = capacity }

    /// Registers a subscriber; events published from now on reach it.
    public func subscribe() -> Subscription {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let sub = Subscription(id: id, capacity: capacity)
        subscribers.withLock { $0[id] = sub }
        sub.continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return sub
    }

    func unsubscribe(_ id: UInt64) { _ = subscribers.withLock { $0.removeValue(forKey: id) } }

    /// Delivers an event to every subscriber without waiting for any of them.
    public func publish(_ event: StreamEvent) {
        let current = subscribers.withLock { Array($0.values) }
        for sub in current where !sub.deliver(event) { unsubscribe(sub.id) }
    }

    /// How many subscribers are connected.
    public var count: Int { subscribers.withLock { $0.count } }
}
