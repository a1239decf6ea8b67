import CZeroMQ

/// The body of an `RPCClient`'s socket thread, which does all the receiving and waiting on the
/// client's DEALER: it matches replies to calls, fails calls whose deadline passes or whose
/// connection drops, and sends calls made while no peer was connected once one is. Callers send
/// their own calls (see `SharedSocket`); the socket thread's own state lives on that thread.
enum ClientLoop {
    struct Settings: Sendable {
        let endpoint: String
        let connectWaitNanos: UInt64
    }

    /// A call not yet sent because no peer is connected.
    private struct Waiting {
        let request: Envelope
        let deadline: UInt64
        let sendBy: UInt64
        let continuation: CallContinuation
    }

    /// How long an idle socket thread sleeps before it looks at the clock again. A call whose
    /// deadline falls before the thread's next wake-up wakes it; with this tick, the usual
    /// multi-second deadlines never need to (an idle thread then sleeps for good after one tick).
    static let tickNanos: UInt64 = 1_000_000_000

    static func run(_ settings: Settings, inbox: CommandInbox<ClientCommand>,
                    ready: CheckedContinuation<Result<SharedSocket<ClientCalls>, IPCError>, Never>) {
        let context: ZMQContext
        let socket: ZMQSocket
        let monitor: ZMQSocket
        do {
            context = try ZMQContext()
            socket = try context.socket(ZMQ_DEALER)
            try socket.set(ZMQ_LINGER, 0)
            try socket.set(ZMQ_IMMEDIATE, 1)
            // Come back quickly after a service restart, but do not spin on one that stays down.
            try socket.set(ZMQ_RECONNECT_IVL, 50)
            try socket.set(ZMQ_RECONNECT_IVL_MAX, 500)
            try socket.set(ZMQ_SNDHWM, 100_000)
            try socket.set(ZMQ_RCVHWM, 100_000)
            if settings.endpoint.hasPrefix("tcp://") {
                // Over TCP a peer can vanish without a FIN; heartbeats notice within seconds.
                try socket.set(ZMQ_HEARTBEAT_IVL, 1000)
                try socket.set(ZMQ_HEARTBEAT_TIMEOUT, 3000)
            }
            // Connection events tell us at once when the service dies: every call in flight on that
            // connection is lost, and failing it now beats waiting out its deadline.
            let monitorEndpoint = "inproc://monitor-\(UInt64.random(in: 0 ... .max))"
            try socket.monitor(monitorEndpoint, events: ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED)
            monitor = try context.socket(ZMQ_PAIR)
            try monitor.set(ZMQ_LINGER, 0)
            try monitor.connect(monitorEndpoint)
            try socket.connect(settings.endpoint)
        } catch {
            _ = inbox.close()
            ready.resume(returning: .failure(error))
            return
        }
        let shared = SharedSocket(socket, extra: ClientCalls(), pipe: inbox.pipe)
        ready.resume(returning: .success(shared))

        var waiting: [UInt64: Waiting] = [:]
        var waitingOrder: [UInt64] = []
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        var running = true
        var pollSet = PollSet(sockets: [shared.fileDescriptor, monitor.fileDescriptor], pipe: inbox.pipe)
        // Look at both sockets once before the first sleep.
        var socketFired = true
        var monitorFired = true
        var idle = false

        /// Sends the calls callers handed over (their socket was busy, or no peer was connected),
        /// oldest first, under one lock; keeps in `waiting` what still finds no peer.
        func send(_ calls: [Waiting]) {
            let failed = shared.sendFromSocketThread { s -> [(CallContinuation, IPCError)] in
                var failed: [(CallContinuation, IPCError)] = []
                var peer = true
                for call in calls {
                    let id = call.request.id
                    if s.extra.cancelledEarly.remove(id) != nil {
                        failed.append((call.continuation, .cancelled))
                        continue
                    }
                    do throws(IPCError) {
                        if peer, try s.socket.send(call.request.encoded()) {
                            s.extra.register(id, OutstandingCall(method: call.request.method, deadline: call.deadline,
                                                                 continuation: call.continuation))
                            continue
                        }
                    } catch {
                        failed.append((call.continuation, error))
                        continue
                    }
                    peer = false
                    if waiting.updateValue(call, forKey: id) == nil { waitingOrder.append(id) }
                }
                return failed
            }
            for (continuation, error) in failed { continuation.resume(returning: .failure(error)) }
        }

        while running {
            if monitorFired {
                monitorFired = false
                while let event = try? monitor.receive() {
                    guard let first = event.first, first.count >= 2 else { continue }
                    let code = Int32(first[0]) | Int32(first[1]) << 8  // little-endian u16 event id
                    if code == ZMQ_EVENT_DISCONNECTED {
                        // Every call in flight on that connection is lost: fail it now rather
                        // than at its deadline.
                        let lost = shared.withSlot { s -> [OutstandingCall] in
                            defer { s.extra.outstanding.removeAll(); s.extra.nextScan = .max }
                            return Array(s.extra.outstanding.values)
                        }
                        for call in lost {
                            call.continuation.resume(returning: .failure(.unavailable(endpoint: settings.endpoint)))
                        }
                    }
                }
            }

            // Calls handed over, and those still waiting for a peer (before them).
            var handedOver: [Waiting] = waitingOrder.compactMap { waiting.removeValue(forKey: $0) }
            waitingOrder.removeAll()
            for command in inbox.take() {
                switch command {
                case .call(let request, let deadline, let continuation):
                    handedOver.append(Waiting(request: request, deadline: deadline,
                                              sendBy: min(deadline, monotonicNanos() &+ settings.connectWaitNanos),
                                              continuation: continuation))
                case .cancel(let id):
                    if let at = handedOver.firstIndex(where: { $0.request.id == id }) {
                        handedOver.remove(at: at).continuation.resume(returning: .failure(.cancelled))
                    } else {
                        let call = shared.withSlot { s -> OutstandingCall? in
                            if let call = s.extra.outstanding.removeValue(forKey: id) { return call }
                            s.extra.cancelledEarly.insert(id)
                            return nil
                        }
                        call?.continuation.resume(returning: .failure(.cancelled))
                    }
                case .stop(let done):
                    running = false
                    if let done { stopWaiters.append(done) }
                }
            }
            if !running {
                for call in handedOver { waiting[call.request.id] = call }
                break
            }
            if !handedOver.isEmpty { send(handedOver) }

            // Calls still without a peer when their connect wait is over fail.
            let now = monotonicNanos()
            var waitingWake = UInt64.max
            if !waiting.isEmpty {
                for (id, call) in waiting {
                    if call.sendBy <= now {
                        waiting[id] = nil
                        call.continuation.resume(returning: .failure(.unavailable(endpoint: settings.endpoint)))
                    } else {
                        waitingWake = min(waitingWake, call.sendBy)
                    }
                }
                waitingOrder.removeAll { waiting[$0] == nil }
            }

            // Receive replies, expire overdue calls (only once the earliest deadline has passed),
            // and declare the sleep that follows, all in one critical section: the thread does not
            // take the lock again before it has slept, so it never holds up a sending caller.
            let sleepCap = idle ? UInt64.max : now &+ tickNanos
            let (replies, expired, quiet, wakeAt) = shared.receiveThenSleep(fired: socketFired) { s, receive in
                var replies: [(CallContinuation, Envelope)] = []
                if receive {
                    while let frames = try? s.socket.receive() {
                        guard frames.count == 1, let reply = try? Envelope(decoding: frames[0]) else { continue }
                        // A reply whose caller already timed out or was cancelled finds no entry: dropped.
                        if let call = s.extra.outstanding.removeValue(forKey: reply.id) {
                            replies.append((call.continuation, reply))
                        }
                    }
                }
                var expired: [OutstandingCall] = []
                if s.extra.nextScan <= now {
                    var overdue: [UInt64] = []
                    var next = UInt64.max
                    for (id, call) in s.extra.outstanding {
                        if call.deadline <= now { overdue.append(id) } else { next = min(next, call.deadline) }
                    }
                    s.extra.nextScan = next
                    expired = overdue.compactMap { s.extra.outstanding.removeValue(forKey: $0) }
                }
                if s.extra.outstanding.isEmpty { s.extra.nextScan = .max }
                let wakeAt = min(s.extra.nextScan, sleepCap, waitingWake)
                return ((replies, expired, s.extra.outstanding.isEmpty, wakeAt), wakeAt)
            }
            socketFired = false
            for (continuation, reply) in replies { continuation.resume(returning: .success(reply)) }
            for call in expired {
                call.continuation.resume(returning: .failure(.timeout(method: call.method, endpoint: settings.endpoint)))
            }

            // Sleep, unless commands are already waiting.
            if inbox.prepareToSleep() {
                let now = monotonicNanos()
                let timeout = wakeAt == .max ? -1 : Int32(clamping: (wakeAt &- min(now, wakeAt) + 999_999) / 1_000_000)
                let woken = pollSet.wait(timeoutMillis: timeout)
                shared.markAwake()
                socketFired = pollSet.fired(0)
                monitorFired = pollSet.fired(1)
                idle = !woken && waiting.isEmpty && quiet
            } else {
                idle = false
            }
        }

        monitor.close()
        let outstanding = shared.close { s -> [OutstandingCall] in
            defer { s.extra.outstanding.removeAll() }
            return Array(s.extra.outstanding.values)
        }
        context.terminate()
        for call in outstanding { call.continuation.resume(returning: .failure(.stopped)) }
        for call in waiting.values { call.continuation.resume(returning: .failure(.stopped)) }
        for command in inbox.close() {
            switch command {
            case .call(_, _, let continuation): continuation.resume(returning: .failure(.stopped))
            case .cancel: break
            case .stop(let done): done?.resume()
            }
        }
        for done in stopWaiters { done.resume() }
    }
}
