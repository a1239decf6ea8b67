import CZeroMQ

/// A SUB socket connected to a publisher, on its own socket thread, delivering what it receives
/// as an `AsyncStream`. Reconnects by itself when the publisher restarts; events published while
/// it was away are not replayed (the firehose backfills those by cursor).
public final class EventSubscriber: Sendable {
    public let endpoint: String
    /// Every event received, in order; finishes when the subscriber stops.
    public let events: AsyncStream<PublishedEvent>
    private let inbox: CommandInbox<SubscriberCommand>

    /// Connects to `endpoint`, receiving events whose topic starts with one of `topics`
    /// (the default, `[""]`, is everything).
    ///
    /// - Parameter direct: takes each event first, on the socket thread, with no task woken
    ///   (so it must not block); the events it answers false for go to `events`.
    public init(endpoint: String, topics: [String] = [""], direct: (@Sendable (PublishedEvent) -> Bool)? = nil) async throws(IPCError) {
        self.endpoint = endpoint
        let inbox = try CommandInbox<SubscriberCommand>()
        self.inbox = inbox
        let (stream, continuation) = AsyncStream.makeStream(of: PublishedEvent.self)
        events = stream
        continuation.onTermination = { _ in inbox.post(.stop(nil)) }
        let started: Result<Void, IPCError> = await withCheckedContinuation { ready in
            startSocketThread(name: "ipc-sub \(endpoint)") {
                SubscriberLoop.run(endpoint: endpoint, topics: topics, inbox: inbox, direct: direct, output: continuation, ready: ready)
            }
        }
        try started.get()
    }

    deinit { inbox.post(.stop(nil)) }

    /// Disconnects and finishes `events`.
    public func stop() async {
        await withCheckedContinuation { done in
            if !inbox.post(.stop(done)) { done.resume() }
        }
    }
}

enum SubscriberCommand: Sendable {
    case stop(CheckedContinuation<Void, Never>?)
}

enum SubscriberLoop {
    static func run(endpoint: String, topics: [String], inbox: CommandInbox<SubscriberCommand>,
                    direct: (@Sendable (PublishedEvent) -> Bool)?, output: AsyncStream<PublishedEvent>.Continuation,
                    ready: CheckedContinuation<Result<Void, IPCError>, Never>) {
        let context: ZMQContext
        let socket: ZMQSocket
        do {
            context = try ZMQContext()
            socket = try context.socket(ZMQ_SUB)
            try socket.set(ZMQ_LINGER, 0)
            try socket.set(ZMQ_RCVHWM, 100_000)
            try socket.set(ZMQ_RECONNECT_IVL, 50)
            try socket.set(ZMQ_RECONNECT_IVL_MAX, 500)
            for topic in topics { try socket.set(ZMQ_SUBSCRIBE, bytes: Array(topic.utf8)) }
            try socket.connect(endpoint)
        } catch {
            _ = inbox.close()
            output.finish()
            ready.resume(returning: .failure(error))
            return
        }
        ready.resume(returning: .success(()))
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        var running = true
        while running {
            let revents = zmqPoll(sockets: [(socket, Int16(ZMQ_POLLIN))], inbox: inbox, timeoutMillis: -1)[0]
            for command in inbox.take() {
                if case .stop(let done) = command {
                    running = false
                    if let done { stopWaiters.append(done) }
                }
            }
            guard running, (revents & Int16(ZMQ_POLLIN)) != 0 else { continue }
            while let frames = try? socket.receive() {
                guard frames.count == 2, let topic = String(validating: frames[0], as: UTF8.self) else { continue }
                let event = PublishedEvent(topic: topic, payload: frames[1])
                if let direct, direct(event) { continue }
                output.yield(event)
            }
        }
        socket.close()
        context.terminate()
        output.finish()
        for command in inbox.close() {
            if case .stop(let done) = command { done?.resume() }
        }
        for done in stopWaiters { done.resume() }
    }
}
