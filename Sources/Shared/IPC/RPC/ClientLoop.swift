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

        /// Sends a parked call; false when there is still no peer to take it.
        func trySend(_ call: Waiting) -> Bool {
            let frame = call.request.encoded()
            let id = call.request.id
            let outcome = shared.send { s -> CallSend in
                if s.extra.cancelledEarly.remove(id) != nil {
                    s.extra.parked -= 1
                    return .failed(.cancelled)
                }
                do throws(IPCError) {
                    guard try s.socket.send(frame) else { return .park }
                    s.extra.register(id, OutstandingCall(method: call.request.method, deadline: call.deadline,
                                                         continuation: call.continuation))
                    s.extra.parked -= 1
                    return .sent
                } catch {
                    s.extra.parked -= 1
                    return .failed(error)
                }
            }
            switch outcome {
            case .sent: return true
            case .park: return false
            case .failed(let error):
                call.continuation.resume(returning: .failure(error))
                return true
            }
        }

        func flushWaiting() {
            var sent = 0
            for id in waitingOrder {
                guard let call = waiting[id] else { sent += 1; continue }
                if !trySend(call) { break }
                waiting[id] = nil
                sent += 1
            }
            waitingOrder.removeFirst(sent)
        }

        while running {
            // Receive replies, expire overdue calls (only once the earliest deadline has passed),
            // and declare the sleep that follows, all in one critical section: the thread does not
            // take the lock again before it has slept, so it never holds up a sending caller.
            let now = monotonicNanos()
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
                let wakeAt = min(s.extra.nextScan, sleepCap)
                return ((replies, expired, s.extra.outstanding.isEmpty, wakeAt), wakeAt)
            }
            socketFired = false
            for (continuation, reply) in replies { continuation.resume(returning: .success(reply)) }
            for call in expired {
                call.continuation.resume(returning: .failure(.timeout(method: call.method, endpoint: settings.endpoint)))
            }

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

            for command in inbox.take() {
                idle = false
                switch command {
                case .call(let request, let deadline, let continuation):
                    let call = Waiting(request: request, deadline: deadline,
                                       sendBy: min(deadline, monotonicNanos() &+ settings.connectWaitNanos),
                                       continuation: continuation)
                    if !waiting.isEmpty || !trySend(call) {
                        waiting[request.id] = call
                        waitingOrder.append(request.id)
                    }
                case .cancel(let id):
                    if let call = waiting.removeValue(forKey: id) {
                        shared.withSlot { $0.extra.parked -= 1 }
                        call.continuation.resume(returning: .failure(.cancelled))
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
            if !waiting.isEmpty { flushWaiting() }

            // Parked calls whose connect wait is over fail; the others bound the sleep.
            var sleepUntil = wakeAt
            if !waiting.isEmpty {
                let now = monotonicNanos()
                var gaveUp = 0
                for (id, call) in waiting {
                    if call.sendBy <= now {
                        waiting[id] = nil
                        gaveUp += 1
                        call.continuation.resume(returning: .failure(.unavailable(endpoint: settings.endpoint)))
                    } else {
                        sleepUntil = min(sleepUntil, call.sendBy)
                    }
                }
                if gaveUp > 0 { shared.withSlot { $0.extra.parked -= gaveUp } }
                if waiting.isEmpty { waitingOrder.removeAll() }
            }

            // Sleep, unless commands are already waiting.
            if running && !monitorFired && inbox.prepareToSleep() {
                let now = monotonicNanos()
                let timeout = sleepUntil == .max ? -1 : Int32(clamping: (sleepUntil &- min(now, sleepUntil) + 999_999) / 1_000_000)
                let woken = pollSet.wait(timeoutMillis: timeout)
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
