import IPLD

/// The frames one `subscribeRepos` connection receives, honouring its cursor:
/// - no cursor: live events only;
/// - a cursor within retention: the stored events after it, then live, with no gap and no
///   duplicate at the switch;
/// - a cursor older than retention: `#info OutdatedCursor`, then everything from the oldest;
/// - a cursor ahead of the newest seq: a `FutureCursor` error frame, then the end.
/// A subscriber that falls behind gets a `ConsumerTooSlow` error frame, then the end.
///
/// Frames are pulled: the connection's writer asks for the next one when it has sent the
/// last, so the only buffer is the hub's bounded queue — a slow reader fills it and is cut
/// off instead of growing memory.
public struct CursorStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    /// Events fetched per history read while replaying.
    public static let batchSize = 500

    let cursor: Int64?
    let hub: EventHub
    let history: EventHistory
    /// The live feed, when the caller subscribed itself (to watch `isTooSlow`).
    let subscription: EventHub.Subscription?

    /// - Parameter subscription: a subscription to `hub` taken by the caller, who wants to
    ///   watch it; iterate such a stream once only.
    public init(cursor: Int64?, hub: EventHub, history: EventHistory, subscription: EventHub.Subscription? = nil) {
        self.cursor = cursor
        self.hub = hub
        self.history = history
        self.subscription = subscription
    }

    public func makeAsyncIterator() -> Iterator {
        // Subscribe before reading history, so nothing sequenced meanwhile is missed.
        Iterator(cursor: cursor, live: subscription ?? hub.subscribe(), history: history)
    }

    /// Pulls frames: first any replay, then live events.
    public struct Iterator: AsyncIteratorProtocol {
        enum State { case start, replaying, live, finishing, done }

        let cursor: Int64?
        let live: EventHub.Subscription
        var liveEvents: AsyncStream<StreamEvent>.Iterator
        let history: EventHistory
        var state = State.start
        /// The last seq delivered (-1 before any, in live-only mode).
        var last: Int64 = -1
        var pending: [StreamEvent] = []
        var pendingIndex = 0
        /// Replay may stop at this seq to fill a gap before a live event.
        var heldLive: StreamEvent? = nil
        /// Whether history may hold more after `pending`.
        var moreHistory = true

        init(cursor: Int64?, live: EventHub.Subscription, history: EventHistory) {
            self.cursor = cursor
            self.live = live
            self.liveEvents = live.events.makeAsyncIterator()
            self.history = history
        }

        /// Whether the next `next()` has a frame at hand (replayed or already queued live)
        /// instead of waiting for a new event: a writer uses it to send several in one go.
        public var hasFrameAtHand: Bool {
            switch state {
            case .replaying: return pendingIndex < pending.count
            case .live: return live.queuedCount > 0
            default: return false
            }
        }

        /// Whether the stream is live with nothing queued: the moment its subscription can
        /// go direct (`EventHub.goDirect`) without skipping or repeating an event.
        public var isLiveAndIdle: Bool { state == .live && live.queuedCount == 0 }

        /// The seq of the last frame returned (-1 when none yet, live only).
        public var lastSeq: Int64 { last }

        /// Carries on after `seq`, sent by a `LiveSink` while the subscription was direct.
        public mutating func resume(after seq: Int64) {
            if seq > last { last = seq }
        }

        public mutating func next() async throws -> [UInt8]? {
            while true {
                switch state {
                case .done:
                    return nil
                case .finishing:
                    state = .done
                    live.continuation.finish()
                    return live.isTooSlow ? EventFrame.error("ConsumerTooSlow", message: "Stream consumer too slow") : nil
                case .start:
                    guard let cursor else { state = .live; continue }
                    if cursor > (try await history.head()) {
                        state = .done
                        live.continuation.finish()
                        return EventFrame.error("FutureCursor", message: "Cursor in the future.")
                    }
                    last = cursor
                    state = .replaying
                    if let oldest = try await history.oldest(), cursor < oldest - 1 {
                        last = oldest - 1
                        return EventFrame.message(.info, body: ["name": "OutdatedCursor",
                                                               "message": "Requested cursor exceeded limit. Possibly missing events"])
                    }
                case .replaying:
                    if pendingIndex < pending.count {
                        let event = pending[pendingIndex]
                        pendingIndex += 1
                        if let held = heldLive, event.seq >= held.seq {
                            // Caught up with the live event that opened the gap.
                            pending = []
                            pendingIndex = 0
                            moreHistory = false
                            continue
                        }
                        last = event.seq
                        return event.frame
                    }
                    if moreHistory {
                        pending = try await history.after(last, CursorStream.batchSize)
                        pendingIndex = 0
                        moreHistory = pending.count == CursorStream.batchSize
                        if !pending.isEmpty { continue }
                    }
                    state = .live
                    if let held = heldLive {
                        heldLive = nil
                        if held.seq > last {
                            last = held.seq
                            return held.frame
                        }
                    }
                case .live:
                    guard let event = await liveEvents.next() else { state = .finishing; continue }
                    live.took()
                    if Task.isCancelled { state = .finishing; continue }
                    if last >= 0 {
                        if event.seq <= last { continue } // already replayed
                        if event.seq > last + 1 {
                            // A gap between what was sent and this event: fill it from history first.
                            heldLive = event
                            moreHistory = true
                            state = .replaying
                            continue
                        }
                    }
                    last = event.seq
                    return event.frame
                }
            }
        }
    }
}
