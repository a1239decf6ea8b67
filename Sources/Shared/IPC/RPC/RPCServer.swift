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

/// A request on its way from the socket thread to an async handler.
struct ServerJob: Sendable {
    let identity: [UInt8]
    let request: Envelope
    let body: @Sendable (Envelope) async -> Envelope

    /// Runs the handler and posts its reply to the socket thread.
    func run(inbox: CommandInbox<ServerCommand>, inFlight: InFlightCount) async {
        let reply = await body(request)
        inbox.post(.reply(identity: identity, frame: reply.encoded()))
        inFlight.replied()
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

    /// Counts `handlers` about to start in one task and returns the task's number.
    func enter(_ handlers: Int) -> UInt64 {
        state.withLock { $0.count += handlers }
        return next.add(1, ordering: .relaxed).newValue
    }

    /// Called when one handler's reply has been posted.
    func replied() {
        state.withLock { $0.count -= 1 }
    }

    /// Remembers the task running handler `number`, for cancellation.
    func register(_ number: UInt64, _ task: Task<Void, Never>) {
        state.withLock { s in
            if s.finishedEarly.remove(number) == nil { s.running[number] = task }
        }
    }

    /// Called by task `number` when all its handlers have replied.
    func leave(_ number: UInt64) {
        state.withLock { s in
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
        var batch: [ServerJob] = []
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
                    batch.append(ServerJob(identity: identity, request: request, body: body))
                }
            }
            if !batch.isEmpty {
                start(batch, inbox: inbox, inFlight: inFlight)
                batch.removeAll(keepingCapacity: true)
            }
        }
        socket.close()
        context.terminate()
        for command in inbox.close() {
            if case .stop(let done) = command { done?.resume() }
        }
        for done in stopWaiters { done.resume() }
    }

    /// Runs the async requests read in one wake-up: one task for the lot, handed to the pool
    /// once, which runs the first itself and the others as child tasks beside it, so they still
    /// run concurrently (a slow one holds up no other reply) while the socket thread pokes the
    /// pool once per batch instead of once per request.
    static func start(_ batch: [ServerJob], inbox: CommandInbox<ServerCommand>, inFlight: InFlightCount) {
        let number = inFlight.enter(batch.count)
        let task = Task {
            if batch.count == 1 {
                await batch[0].run(inbox: inbox, inFlight: inFlight)
            } else {
                await withDiscardingTaskGroup { group in
                    for job in batch.dropFirst() {
                        group.addTask { await job.run(inbox: inbox, inFlight: inFlight) }
                    }
                    await batch[0].run(inbox: inbox, inFlight: inFlight)
                }
            }
            inFlight.leave(number)
        }
        inFlight.register(number, task)
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
