/// How a call's result reaches its caller.
typealias CallContinuation = CheckedContinuation<Result<Envelope, IPCError>, Never>

/// A call that has been sent and waits for its reply.
struct OutstandingCall: Sendable {
    let method: String
    let deadline: UInt64
    let continuation: CallContinuation
}

/// A client's calls, kept next to its DEALER under the socket's lock: a caller registers its call
/// in the same critical section as it sends it, so the socket thread can never receive a reply it
/// does not know about yet.
struct ClientCalls: Sendable {
    /// Sent calls by request id.
    var outstanding: [UInt64: OutstandingCall] = [:]
    /// Ids cancelled before their call was registered (the cancel overtook the call).
    var cancelledEarly: Set<UInt64> = []
    /// No outstanding deadline is earlier than this (it may be stale-early): the socket thread
    /// scans for overdue calls only once it has passed.
    var nextScan: UInt64 = .max

    mutating func register(_ id: UInt64, _ call: OutstandingCall) {
        outstanding[id] = call
        if call.deadline < nextScan { nextScan = call.deadline }
    }
}

/// The outcome of trying to send one call.
enum CallSend: Sendable {
    case sent
    /// No peer can take it now (or the caller chose not to send it itself): the socket thread
    /// takes it over, and keeps it until a peer can take it or its connect wait runs out.
    case park
    case failed(IPCError)
}

extension SharedSocket where Extra == ClientCalls {
    /// Sends `request` on the caller's own thread when that saves waking the socket thread (it is
    /// asleep and no other call is in flight); otherwise, or when no peer is connected, hands it
    /// to the socket thread. `continuation` is resumed exactly once, by whoever settles the call.
    /// `inFlight` is how many calls the client has running, this one included.
    func call(_ request: Envelope, deadline: UInt64, continuation: CallContinuation,
              inbox: CommandInbox<ClientCommand>, inFlight: Int) {
        let id = request.id
        // With other calls in flight the socket thread will soon wake for their replies anyway,
        // and then sends what was handed over in one batch.
        let alone = inFlight == 1
        let outcome = (alone ? sendIfAsleep { s -> CallSend? in
            if s.extra.cancelledEarly.remove(id) != nil { return .failed(.cancelled) }
            if !s.extra.outstanding.isEmpty { return nil }
            do throws(IPCError) {
                guard try s.socket.send(request.encoded()) else { return .park }
            } catch {
                return .failed(error)
            }
            s.extra.register(id, OutstandingCall(method: request.method, deadline: deadline, continuation: continuation))
            // A sleeping socket thread wakes for this call's deadline only if it would otherwise
            // sleep past it (it never does for the usual multi-second ones).
            if deadline < s.wakeAt { s.wakeRequested = true }
            return .sent
        } : nil) ?? .park
        switch outcome {
        case .sent:
            break
        case .failed(let error):
            continuation.resume(returning: .failure(error))
        case .park:
            if !inbox.post(.call(request, deadline: deadline, continuation)) {
                continuation.resume(returning: .failure(.stopped))
            }
        }
    }

    /// Cancels call `id`: settles it here when it is outstanding, else lets the socket thread
    /// find it among the parked calls (or remember the id, should the cancel have overtaken it).
    func cancel(_ id: UInt64, inbox: CommandInbox<ClientCommand>) {
        let call = withSlot { s in s.extra.outstanding.removeValue(forKey: id) }
        if let call {
            call.continuation.resume(returning: .failure(.cancelled))
        } else {
            inbox.post(.cancel(id))
        }
    }
}
