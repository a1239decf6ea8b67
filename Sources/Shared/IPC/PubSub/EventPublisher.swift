import CZeroMQ

/// One message on an event stream: a topic (subscribers filter on its prefix) and a payload.
public struct PublishedEvent: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]

    public init(topic: String, payload: [UInt8]) {
        self.topic = topic
        self.payload = payload
    }
}

/// A PUB socket bound at an endpoint, on its own socket thread. `publish` never blocks; a
/// subscriber too slow to keep up loses messages at the high-water mark, which is why firehose
/// frames carry a `seq` and subscribers backfill gaps over request/reply.
public final class EventPublisher: Sendable {
    public let endpoint: String
    private let inbox: CommandInbox<PublisherCommand>

    /// Binds `endpoint`. Throws if the address cannot be bound.
    public init(endpoint: String) async throws(IPCError) {
        self.endpoint = endpoint
        let inbox = try CommandInbox<PublisherCommand>()
        self.inbox = inbox
        let started: Result<Void, IPCError> = await withCheckedContinuation { ready in
            startSocketThread(name: "ipc-pub \(endpoint)") { PublisherLoop.run(endpoint: endpoint, inbox: inbox, ready: ready) }
        }
        try started.get()
    }

    deinit { inbox.post(.stop(nil)) }

    /// Queues `event` for every current subscriber.
    public func publish(_ event: PublishedEvent) {
        inbox.post(.publish(event))
    }

    /// Closes the socket (queued events are dropped) and terminates its context.
    public func stop() async {
        await withCheckedContinuation { done in
            if !inbox.post(.stop(done)) { done.resume() }
        }
    }
}

enum PublisherCommand: Sendable {
    case publish(PublishedEvent)
    case stop(CheckedContinuation<Void, Never>?)
}

enum PublisherLoop {
    static func run(endpoint: String, inbox: CommandInbox<PublisherCommand>,
                    ready: CheckedContinuation<Result<Void, IPCError>, Never>) {
        let context: ZMQContext
        let socket: ZMQSocket
        do {
            context = try ZMQContext()
            socket = try context.socket(ZMQ_PUB)
            try socket.set(ZMQ_LINGER, 0)
            try socket.set(ZMQ_SNDHWM, 100_000)
            try socket.bind(ServerLoop.bindAddress(for: endpoint))
        } catch {
            _ = inbox.close()
            ready.resume(returning: .failure(error))
            return
        }
        ready.resume(returning: .success(()))
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        var running = true
        while running {
            // A PUB socket never has anything to read; poll only for the wake pipe.
            _ = zmqPoll(sockets: [], inbox: inbox, timeoutMillis: -1)
            for command in inbox.take() {
                switch command {
                case .publish(let event):
                    _ = try? socket.send([Array(event.topic.utf8), event.payload])
                case .stop(let done):
                    running = false
                    if let done { stopWaiters.append(done) }
                }
            }
        }
        socket.close()
        context.terminate()
        for command in inbox.close() {
            if case .stop(let done) = command { done?.resume() }
        }
        for done in stopWaiters { done.resume() }
    }
}
