import Config
import EventStream
import IPC
import Logging
import Synchronization

/// The gateway's one feed of live firehose events: a SUB socket on FirehoseService's PUB
/// endpoint feeding one `EventHub` that every `subscribeRepos` connection reads from.
///
/// PUB/SUB drops messages while the SUB socket (re)connects — after FirehoseService restarts,
/// say — so the feed repairs its own sequence: an event that skips seqs is preceded by the
/// missing ones read from FirehoseService, and a timer notices a missing tail (events
/// published while nobody was connected and none since). Subscribers therefore see every seq
/// in order, each once.
///
/// The event that follows the last one published (nearly all of them) goes to the hub on the
/// socket's thread, with no task woken; only the others (a gap, a duplicate, the first one)
/// take the way through this actor.
public actor FirehoseFeed {
    /// Where connections subscribe.
    public nonisolated let hub: EventHub
    /// Where connections replay from.
    public nonisolated let history: EventHistory
    /// The current delivery's wire bytes, shared by the connections taking it directly.
    nonisolated let wire = FrameBatchWire()
    /// Batches the direct connections' writes per event loop.
    nonisolated let fanout = EventLoopFanout()
    /// How long one frame may wait for a client's socket before the client is cut off.
    public nonisolated let writeTimeout: Duration
    let firehose: any FirehoseServiceAPI
    let logger: Logger
    /// The newest seq handed to the hub; nil before FirehoseService was first reached.
    var last: Int64? { order.last }
    /// Publishes to the hub in seq order, from the socket's thread and from this actor.
    nonisolated let order = Order()
    private var tasks: [Task<Void, Never>] = []
    private var subscriber: EventSubscriber?

    /// Events read per history call while filling a gap.
    static let fillBatch = 500

    public init(firehose: any FirehoseServiceAPI, hub: EventHub = EventHub(), writeTimeout: Duration = .seconds(10),
                logger: Logger = Logger(label: "pds.gateway.firehose")) {
        self.firehose = firehose
        self.writeTimeout = writeTimeout
        self.hub = hub
        self.history = .firehose(firehose)
        self.logger = logger
    }

    /// Subscribes to `endpoint` (the `repo` topic) and starts the gap-check timer.
    public func start(endpoint: String, checkEvery interval: Duration = .seconds(1)) async throws(IPCError) {
        let subscriber = try await EventSubscriber(endpoint: endpoint, topics: ["repo"]) { [order, hub] message in
            guard let event = FirehoseWire.decode(message.payload) else { return true }  // not an event: dropped
            return order.publishIfNext(event, to: hub)
        }
        self.subscriber = subscriber
        tasks.append(Task { [weak self] in
            for await message in subscriber.events {
                guard let self else { return }
                if let event = FirehoseWire.decode(message.payload) { await self.receive(event) }
            }
        })
        tasks.append(Task { [weak self] in
            // The first check runs at once but off the start path: a FirehoseService that is
            // down must not hold up the gateway.
            while !Task.isCancelled {
                await self?.catchUp()
                try? await Task.sleep(for: interval)
            }
        })
    }

    /// Stops the socket and the timer.
    public func stop() async {
        for task in tasks { task.cancel() }
        tasks = []
        await subscriber?.stop()
        subscriber = nil
    }

    /// Takes one published event: fills any gap before it, drops it if already delivered.
    func receive(_ event: StreamEvent) async {
        if let last {
            guard event.seq > last else { return }
            if event.seq > last + 1 { await fill(through: event.seq - 1) }
        }
        // When the gap could not be filled (FirehoseService just went away), the event still
        // goes out: each connection fills its own gaps from history.
        if let last, event.seq <= last { return }
        publish(event)
    }

    /// Publishes whatever FirehoseService has sequenced beyond what the hub has seen.
    func catchUp() async {
        do throws(IPCError) {
            let head = try await firehose.state(Empty()).head
            guard let last else {
                // First contact: connections before now replay by cursor, so start at the head.
                order.start(at: head)
                return
            }
            if head > last { await fill(through: head) }
        } catch {
            logger.debug("firehose state unavailable: \(error)")
        }
    }

    /// Reads and publishes the events after `last` up to `target`.
    private func fill(through target: Int64) async {
        while let last, last < target {
            do throws(IPCError) {
                let events = try await firehose.eventsAfter(.init(cursor: last, limit: Self.fillBatch)).events
                guard let first = events.first, first.seq <= target else { return }
                for e in events where e.seq <= target && e.seq > (self.last ?? 0) {
                    publish(StreamEvent(seq: e.seq, frame: [UInt8](e.frame)))
                }
                if events.count < Self.fillBatch { return }
            } catch {
                logger.warning("cannot fill firehose gap after \(last): \(error)")
                return
            }
        }
    }

    private func publish(_ event: StreamEvent) {
        order.publish(event, to: hub)
    }

    /// The newest seq handed to the hub, and the lock that keeps publishing in seq order
    /// whichever thread publishes.
    final class Order: Sendable {
        private let newest = Mutex<Int64?>(nil)

        var last: Int64? { newest.withLock { $0 } }

        /// Sets the starting point if there is none yet.
        func start(at seq: Int64) {
            newest.withLock { if $0 == nil { $0 = seq } }
        }

        /// Publishes `event` if it is newer than the last one published (with `onlyNext`,
        /// only if it is the one right after it, which needs a last one); false when not.
        @discardableResult
        func publish(_ event: StreamEvent, to hub: EventHub, onlyNext: Bool = false) -> Bool {
            newest.withLock { last in
                let fits = last.map { onlyNext ? event.seq == $0 + 1 : event.seq > $0 } ?? !onlyNext
                guard fits else { return false }
                last = event.seq
                hub.publish(event)
                return true
            }
        }

        /// Publishes `event` if it is the one right after the last one published; false,
        /// leaving it to the actor, otherwise.
        func publishIfNext(_ event: StreamEvent, to hub: EventHub) -> Bool {
            publish(event, to: hub, onlyNext: true)
        }
    }
}
