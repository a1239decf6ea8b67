import Synchronization

/// Fans live events out to subscribers, each through its own bounded queue.
///
/// Publishing never waits: a subscriber whose queue is full is cut off (it then gets
/// `ConsumerTooSlow`), so one slow reader can slow neither the others nor the writers.
///
/// With many subscribers, deliveries are paced: every `tick` the hub walks on through its
/// subscribers in a fixed round, handing each one it reaches everything published since its
/// last turn, at a speed that reaches every subscriber once per `linger`. Every delivery costs
/// a socket write per subscriber; with 1,000 subscribers and hundreds of events a second,
/// delivering each event at once would be hundreds of thousands of writes a second, more than
/// the gateway's cores can do. Paced, each subscriber takes at most one delivery per linger
/// (50 a second at 20 ms) whatever the write rate, and an event waits at most one linger for
/// any subscriber. Walking the round a slice at a time (rather than holding every event for
/// the linger and then writing to everyone at once) spreads the writes evenly over time: no
/// subscriber waits behind a burst of a thousand others' writes on top of the linger.
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

    /// A subscriber as the hub walks it.
    private struct Member {
        let subscription: Subscription
        /// The position in the log of the first event it has not been handed yet.
        var next: Int
    }

    private struct State {
        var members: [UInt64: Member] = [:]
        /// Subscribers that take live events straight into a sink (see `goDirect`).
        var direct: [UInt64: any LiveSink] = [:]
        /// The round the deliveries walk, and where the next one starts.
        var round: [UInt64] = []
        var position = 0
        /// Events not yet handed to every subscriber; `log[0]` is at position `logStart`.
        var log: [StreamEvent] = []
        var logStart = 0
        /// Whether the pacer is running, when it last stepped, and the part of a subscriber
        /// the walk owes the round from then.
        var pacing = false
        var lastTick: ContinuousClock.Instant = .now
        var owed = 0.0

        var logEnd: Int { logStart + log.count }
    }

    /// What a delivery leaves to do once the lock is released: ending the subscribers cut
    /// off (finishing calls back into `unsubscribe`), telling sinks they fell back.
    private struct Outcome {
        var overflowed: [Subscription] = []
        var fellBack: [any LiveSink] = []
    }

    private let state = Mutex(State())
    private let nextID = Atomic<UInt64>(0)
    /// Events a subscriber may have queued before it is cut off.
    public let capacity: Int
    /// How long an event may wait per connected subscriber, and at most (see `linger`).
    public let lingerPerSubscriber: Duration
    public let maxLinger: Duration
    /// How often the paced walk moves on, and what moves it.
    public let tick: Duration
    let pacer: any EventHubPacer

    /// - Parameters:
    ///   - lingerPerSubscriber: with many subscribers, each one is handed events once per
    ///     this long per subscriber (at most `maxLinger`). Below 1 ms (fewer than 50
    ///     subscribers at the default) events go out to everyone at once.
    ///   - tick: how often the walk moves on; each step reaches the subscribers due by then.
    ///   - pacer: what calls the steps (by default a task sleeping between them).
    public init(capacity: Int = 1000, lingerPerSubscriber: Duration = .microseconds(20), maxLinger: Duration = .milliseconds(20),
                tick: Duration = .milliseconds(2), pacer: any EventHubPacer = TaskPacer()) {
        self.pacer = pacer
        self.capacity = capacity
        self.lingerPerSubscriber = lingerPerSubscriber
        self.maxLinger = maxLinger
        self.tick = tick
    }

    /// Registers a subscriber; events published from now on reach it.
    public func subscribe() -> Subscription {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let sub = Subscription(id: id, capacity: capacity)
        state.withLock { s in
            s.members[id] = Member(subscription: sub, next: s.logEnd)
            s.round.append(id)
        }
        sub.continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return sub
    }

    func unsubscribe(_ id: UInt64) {
        state.withLock { s in
            guard s.members.removeValue(forKey: id) != nil else { return }
            s.direct[id] = nil
            Self.leaveRound(id, &s)
        }
    }

    private static func leaveRound(_ id: UInt64, _ s: inout State) {
        guard let index = s.round.firstIndex(of: id) else { return }
        s.round.remove(at: index)
        if index < s.position { s.position -= 1 }
        if s.position >= s.round.count { s.position = 0 }
    }

    /// Switches a subscriber whose reader has taken everything queued for it to `sink`: live
    /// events then go there instead of to its queue, until the sink reports a gap (then they
    /// go to the queue again and `fellBack` is called) or that the connection closed. False,
    /// changing nothing, when events are still queued for the reader (or it left).
    public func goDirect(_ subscription: Subscription, sink: any LiveSink) -> Bool {
        state.withLock { s in
            // Deliveries happen under this lock, so nothing can be queued between the check
            // and the switch.
            guard s.members[subscription.id] != nil, subscription.queuedCount == 0 else { return false }
            s.direct[subscription.id] = sink
            return true
        }
    }

    /// How long an event may wait for a subscriber with `subscribers` connected: the time the
    /// paced walk takes to go round them all.
    public func linger(subscribers: Int) -> Duration {
        let linger = min(maxLinger, lingerPerSubscriber * subscribers)
        return linger < .milliseconds(1) ? .zero : linger
    }

    /// Delivers an event to every subscriber without waiting for any of them: at once, or
    /// within the linger by the paced walk; to each subscriber always in order.
    public func publish(_ event: StreamEvent) {
        let (startPacing, outcome) = state.withLock { s -> (Bool, Outcome) in
            s.log.append(event)
            if linger(subscribers: s.round.count) == .zero {
                var outcome = Outcome()
                Self.visit(s.round.count, &s, &outcome)
                Self.trimLog(&s)
                return (false, outcome)
            }
            if s.pacing { return (false, Outcome()) }
            s.pacing = true
            s.lastTick = .now
            s.owed = 0
            return (true, Outcome())
        }
        Self.settle(outcome)
        if startPacing { pacer.start(every: tick) { [self] in step(at: .now) } }
    }

    /// One step of the paced walk at `now`: reaches the subscribers due since the last step;
    /// false (and pacing stops) once every subscriber has every event.
    func step(at now: ContinuousClock.Instant) -> Bool {
        let (goOn, outcome) = state.withLock { s -> (Bool, Outcome) in
            let count = s.round.count
            let linger = linger(subscribers: count)
            if linger == .zero {
                s.owed = Double(count)  // too few subscribers left to pace: everyone now
            } else {
                s.owed += Double(count) * ((now - s.lastTick) / linger)
            }
            s.lastTick = now
            // A late step reaches at most everyone once: the walk does not race to make up.
            s.owed = min(max(s.owed, 0), Double(count))
            let due = Int(s.owed)
            s.owed -= Double(due)
            var outcome = Outcome()
            Self.visit(due, &s, &outcome)
            Self.trimLog(&s)
            if s.log.isEmpty { s.pacing = false }
            return (s.pacing, outcome)
        }
        Self.settle(outcome)
        return goOn
    }

    private static func settle(_ outcome: Outcome) {
        for sub in outcome.overflowed { sub.continuation.finish() }
        for sink in outcome.fellBack { sink.fellBack() }
    }

    /// Hands the next `count` subscribers of the round what they have not had yet, under the
    /// lock so that deliveries to a subscriber never overtake each other; collects the
    /// subscribers that overflowed (removed, to be finished outside the lock, which calls back
    /// into `unsubscribe`) and the sinks that fell back.
    private static func visit(_ count: Int, _ s: inout State, _ outcome: inout Outcome) {
        var visited = 0
        while visited < count, !s.round.isEmpty {
            if s.position >= s.round.count { s.position = 0 }
            let id = s.round[s.position]
            visited += 1
            guard var member = s.members[id], member.next < s.logEnd else {
                s.position += 1
                continue
            }
            let events = s.log[(member.next - s.logStart)...]
            member.next = s.logEnd
            s.members[id] = member
            if deliver(events, to: member.subscription, &s, &outcome) {
                s.position += 1
            } else {
                // Left the round: the next subscriber moved into this position.
                s.members[id] = nil
                s.direct[id] = nil
                s.round.remove(at: s.position)
            }
        }
    }

    /// Delivers `events` to one subscriber, to its sink or its queue; false when it is to
    /// leave the hub (its connection closed or its queue overflowed).
    private static func deliver(_ events: ArraySlice<StreamEvent>, to sub: Subscription, _ s: inout State,
                                _ outcome: inout Outcome) -> Bool {
        var queued = events
        if let sink = s.direct[sub.id] {
            switch sink.deliver(events) {
            case .sent: return true
            case .closed:
                outcome.overflowed.append(sub)  // finished, so its reader ends
                return false
            case .gap(let index):
                s.direct[sub.id] = nil
                outcome.fellBack.append(sink)
                queued = events[(events.startIndex + index)...]
            }
        }
        for event in queued where !sub.deliver(event) {
            if sub.isTooSlow { outcome.overflowed.append(sub) }
            return false
        }
        return true
    }

    /// Drops the events every subscriber has had.
    private static func trimLog(_ s: inout State) {
        let handed = s.members.values.reduce(s.logEnd) { min($0, $1.next) } - s.logStart
        guard handed > 0 else { return }
        s.log.removeFirst(handed)
        s.logStart += handed
    }

    /// How many subscribers are connected.
    public var count: Int { state.withLock { $0.members.count } }
}
