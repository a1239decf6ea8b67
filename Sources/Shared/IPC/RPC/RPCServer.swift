import CZeroMQ
import Synchronization

/// A ROUTER bound at a service's endpoint, owned by its own socket thread, dispatching each
/// request to an `RPCHandlers` table.
///
/// Async handlers run as tasks on the cooperative pool and post their reply back to the socket
/// thread; immediate handlers run inline. Replies for a client that has gone away are dropped
/// (`ZMQ_ROUTER_MANDATORY` makes that a send error instead of a silent queue).
public final class RPCServer: Sendable {
    public let endpoint: String
    private let inbox: CommandInbox<ServerCommand>
    private let inFlight: InFlightCount

    /// Binds `endpoint` and starts answering. Throws if the address cannot be bound.
    public init(endpoint: String, handlers: RPCHandlers) async throws(IPCError) {
        self.endpoint = endpoint
        let inbox = try CommandInbox<ServerCommand>()
        let inFlight = InFlightCount()
        self.inbox = inbox
        self.inFlight = inFlight
        let started: Result<Void, IPCError> = await withCheckedContinuation { ready in
            startSocketThread(name: "ipc-server \(endpoint)") {
                ServerLoop.run(endpoint: endpoint, handlers: handlers, inbox: inbox, inFlight: inFlight, ready: ready)
            }
        }
        try started.get()
    }

    deinit { inbox.post(.stop(nil)) }

    /// Stops taking requests, lets handlers already running finish (for at most `grace`) so their
    /// replies still go out, then closes the socket and terminates its context.
    public func stop(grace: Duration = .seconds(2)) async {
        let until = ContinuousClock.now + grace
        inbox.post(.pause)
        while inFlight.value > 0 && ContinuousClock.now < until {
            try? await Task.sleep(for: .milliseconds(5))
        }
        await withCheckedContinuation { done in
            if !inbox.post(.stop(done)) { done.resume() }
        }
        // Handlers still running past the grace period are told to give up; their replies
        // would have nowhere to go.
        for task in inFlight.cancelAll() { await task.value }
    }
}

/// What tasks post to a server's socket thread.
enum ServerCommand: Sendable {
    case reply(identity: [UInt8], frame: [UInt8])
    case pause
    case stop(CheckedContinuation<Void, Never>?)
}

/// The async handlers that are running, so `stop` can wait for their replies and then cancel
/// the ones that outlast the grace period.
///
/// Each request's task is started straight from the socket thread (one hand-off to the pool per
/// request, no dispatching task in between) and registered here under a number; a task that
/// finishes before the socket thread has registered it leaves its number behind so that the
/// late registration is skipped.
final class InFlightCount: Sendable {
    private struct State {
        var running: [UInt64: Task<Void, Never>] = [:]
        var finishedEarly: Set<UInt64> = []
        var count = 0
    }

    private let state = Mutex(State())
    private let next = Atomic<UInt64>(0)

    /// How many handlers have started and not yet finished.
    var value: Int { state.withLock { $0.count } }

    /// Counts a handler about to start and returns its number.
    func enter() -> UInt64 {
        state.withLock { $0.count += 1 }
        return next.add(1, ordering: .relaxed).newValue
    }

    /// Remembers the task running handler `number`, for cancellation.
    func register(_ number: UInt64, _ task: Task<Void, Never>) {
        state.withLock { s in
            if s.finishedEarly.remove(number) == nil { s.running[number] = task }
        }
    }

    /// Called by handler `number`'s task when its reply has been posted.
    func leave(_ number: UInt64) {
        state.withLock { s in
            s.count -= 1
            if s.running.removeValue(forKey: number) == nil { s.finishedEarly.insert(number) }
        }
    }

    /// Cancels every handler still running and returns their tasks, to wait for.
    func cancelAll() -> [Task<Void, Never>] {
        let tasks = state.withLock { Array($0.running.values) }
        for task in tasks { task.cancel() }
        return tasks
    }
}

/// The body of an `RPCServer`'s socket thread.
enum ServerLoop {
    static func run(endpoint: String, handlers: RPCHandlers, inbox: CommandInbox<ServerCommand>,
                    inFlight: InFlightCount, ready: CheckedContinuation<Result<Void, IPCError>, Never>) {
        let context: ZMQContext
        let socket: ZMQSocket
        do {
            context = try ZMQContext()
            socket = try context.socket(ZMQ_ROUTER)
            try socket.set(ZMQ_LINGER, 0)
            try socket.set(ZMQ_ROUTER_MANDATORY, 1)
            try socket.set(ZMQ_SNDHWM, 100_000)
            try socket.set(ZMQ_RCVHWM, 100_000)
            try socket.bind(bindAddress(for: endpoint))
        } catch {
            _ = inbox.close()
            ready.resume(returning: .failure(error))
            return
        }
        ready.resume(returning: .success(()))

        var running = true
        var accepting = true
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        while running {
            let revents = zmqPoll(sockets: [(socket, Int16(ZMQ_POLLIN))], inbox: inbox, timeoutMillis: -1)[0]
            for command in inbox.take() {
                switch command {
                case .reply(let identity, let frame):
                    _ = try? socket.send([identity, frame])
                case .pause:
                    accepting = false
                case .stop(let done):
                    running = false
                    if let done { stopWaiters.append(done) }
                }
            }
            guard running, (revents & Int16(ZMQ_POLLIN)) != 0 else { continue }
            while let frames = try? socket.receive() {
                guard frames.count == 2, let request = try? Envelope(decoding: frames[1]), request.kind == .request else {
                    continue  // not one of ours: nothing sensible to answer
                }
                let identity = frames[0]
                guard accepting else {
                    let refusal = Envelope(kind: .error, id: request.id, method: request.method,
                                           errorName: "ServiceUnavailable", errorMessage: "service is stopping")
                    _ = try? socket.send([identity, refusal.encoded()])
                    continue
                }
                switch handlers.handler(for: request) {
                case .immediate(let body):
                    _ = try? socket.send([identity, body(request).encoded()])
                case .async(let body):
                    let number = inFlight.enter()
                    let task = Task {
                        let reply = await body(request)
                        inbox.post(.reply(identity: identity, frame: reply.encoded()))
                        inFlight.leave(number)
                    }
                    inFlight.register(number, task)
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

    /// The address to bind for an endpoint clients connect to: a TCP host name (as in compose,
    /// `tcp://repo:7001`) cannot be bound, so the service listens on every interface instead.
    static func bindAddress(for endpoint: String) -> String {
        guard endpoint.hasPrefix("tcp://") else { return endpoint }
        let rest = endpoint.dropFirst("tcp://".count)
        guard let colon = rest.lastIndex(of: ":") else { return endpoint }
        let host = rest[..<colon]
        let isLiteral = host == "*" || host.hasPrefix("[") || host.allSatisfy { $0.isNumber || $0 == "." }
        return isLiteral ? endpoint : "tcp://*" + rest[colon...]
    }
}
