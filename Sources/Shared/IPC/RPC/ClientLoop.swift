import CZeroMQ

/// The body of an `RPCClient`'s socket thread. All of its state lives on that thread.
enum ClientLoop {
    struct Settings: Sendable {
        let endpoint: String
        let connectWaitNanos: UInt64
    }

    /// A call that has been sent and waits for its reply.
    private struct Outstanding {
        let method: String
        let deadline: UInt64
        let continuation: CheckedContinuation<Result<Envelope, IPCError>, Never>
    }

    /// A call not yet sent because no peer is connected.
    private struct Waiting {
        let request: Envelope
        let deadline: UInt64
        let sendBy: UInt64
        let continuation: CheckedContinuation<Result<Envelope, IPCError>, Never>
    }

    static func run(_ settings: Settings, inbox: CommandInbox<ClientCommand>,
                    ready: CheckedContinuation<Result<Void, IPCError>, Never>) {
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
        ready.resume(returning: .success(()))

        var outstanding: [UInt64: Outstanding] = [:]
        var waiting: [UInt64: Waiting] = [:]
        var waitingOrder: [UInt64] = []
        var cancelledEarly: Set<UInt64> = []
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        var running = true

        func trySend(_ call: Waiting) -> Bool {
            do {
                guard try socket.send([call.request.encoded()]) else { return false }
                outstanding[call.request.id] = Outstanding(method: call.request.method, deadline: call.deadline,
                                                           continuation: call.continuation)
            } catch {
                call.continuation.resume(returning: .failure(error))
            }
            return true
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
            // Expire what is overdue, and find how long poll may sleep.
            let now = monotonicNanos()
            var nextDeadline = UInt64.max
            for (id, call) in outstanding {
                if call.deadline <= now {
                    outstanding[id] = nil
                    call.continuation.resume(returning: .failure(.timeout(method: call.method, endpoint: settings.endpoint)))
                } else {
                    nextDeadline = min(nextDeadline, call.deadline)
                }
            }
            for (id, call) in waiting {
                if call.sendBy <= now {
                    waiting[id] = nil
                    call.continuation.resume(returning: .failure(.unavailable(endpoint: settings.endpoint)))
                } else {
                    nextDeadline = min(nextDeadline, call.sendBy)
                }
            }
            if waiting.isEmpty { waitingOrder.removeAll() }
            let timeout = nextDeadline == .max ? -1 : Int((nextDeadline - now + 999_999) / 1_000_000)
            var events = Int16(ZMQ_POLLIN)
            if !waiting.isEmpty { events |= Int16(ZMQ_POLLOUT) }
            let polled = zmqPoll(sockets: [(socket, events), (monitor, Int16(ZMQ_POLLIN))], inbox: inbox, timeoutMillis: timeout)
            let revents = polled[0]
            if (polled[1] & Int16(ZMQ_POLLIN)) != 0 {
                while let event = try? monitor.receive() {
                    guard let first = event.first, first.count >= 2 else { continue }
                    let code = Int32(first[0]) | Int32(first[1]) << 8  // little-endian u16 event id
                    if code == ZMQ_EVENT_DISCONNECTED {
                        for call in outstanding.values {
                            call.continuation.resume(returning: .failure(.unavailable(endpoint: settings.endpoint)))
                        }
                        outstanding.removeAll()
                    }
                }
            }

            for command in inbox.take() {
                switch command {
                case .call(let request, let deadline, let continuation):
                    if cancelledEarly.remove(request.id) != nil {
                        continuation.resume(returning: .failure(.cancelled))
                        continue
                    }
                    let call = Waiting(request: request, deadline: deadline,
                                       sendBy: min(deadline, monotonicNanos() &+ settings.connectWaitNanos),
                                       continuation: continuation)
                    if !waiting.isEmpty || !trySend(call) {
                        waiting[request.id] = call
                        waitingOrder.append(request.id)
                    }
                case .cancel(let id):
                    if let call = outstanding.removeValue(forKey: id) {
                        call.continuation.resume(returning: .failure(.cancelled))
                    } else if let call = waiting.removeValue(forKey: id) {
                        call.continuation.resume(returning: .failure(.cancelled))
                    } else {
                        cancelledEarly.insert(id)
                    }
                case .stop(let done):
                    running = false
                    if let done { stopWaiters.append(done) }
                }
            }
            if !waiting.isEmpty && (revents & Int16(ZMQ_POLLOUT)) != 0 { flushWaiting() }
            if (revents & Int16(ZMQ_POLLIN)) != 0 {
                while let frames = try? socket.receive() {
                    guard frames.count == 1, let reply = try? Envelope(decoding: frames[0]) else { continue }
                    // A reply whose caller already timed out finds no entry and is dropped.
                    outstanding.removeValue(forKey: reply.id)?.continuation.resume(returning: .success(reply))
                }
            }
        }

        monitor.close()
        socket.close()
        context.terminate()
        for call in outstanding.values { call.continuation.resume(returning: .failure(.stopped)) }
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
