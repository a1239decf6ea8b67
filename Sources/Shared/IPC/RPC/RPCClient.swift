import CZeroMQ
import Synchronization

/// A DEALER connected to one service's ROUTER, owned by its own socket thread.
///
/// Calls from any task are posted to the socket thread, which sends them, matches replies to
/// callers by request id and fails every call whose deadline passes. The socket is set to
/// `ZMQ_IMMEDIATE`, so nothing is queued towards a peer that is not connected: a call made while
/// the service is down waits at most `connectWait` for it to come (back) and then fails with
/// `.unavailable`; a call already sent to a service that then dies fails with `.timeout`. Neither
/// ever hangs. libzmq reconnects by itself when the service restarts.
public final class RPCClient: RPCCaller {
    public let endpoint: String
    public let defaultTimeout: Duration
    private let inbox: CommandInbox<ClientCommand>
    private let nextID = Atomic<UInt64>(1)

    /// Connects to `endpoint` (`ipc://path` or `tcp://host:port`). Fails only for an endpoint
    /// libzmq cannot parse: the service itself need not be up yet.
    public init(endpoint: String, defaultTimeout: Duration = .seconds(2),
                connectWait: Duration = .milliseconds(500)) async throws(IPCError) {
        self.endpoint = endpoint
        self.defaultTimeout = defaultTimeout
        let inbox = try CommandInbox<ClientCommand>()
        self.inbox = inbox
        let settings = ClientLoop.Settings(endpoint: endpoint, connectWaitNanos: connectWait.nanoseconds)
        let started: Result<Void, IPCError> = await withCheckedContinuation { ready in
            startSocketThread(name: "ipc-client \(endpoint)") {
                ClientLoop.run(settings, inbox: inbox, ready: ready)
            }
        }
        try started.get()
    }

    deinit { inbox.post(.stop(nil)) }

    public func send(_ request: Envelope, timeout: Duration) async throws(IPCError) -> Envelope {
        var request = request
        request.id = nextID.add(1, ordering: .relaxed).newValue
        let id = request.id
        let deadline = monotonicNanos() &+ timeout.nanoseconds
        let inbox = self.inbox
        if Task.isCancelled { throw IPCError.cancelled }
        let result: Result<Envelope, IPCError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if !inbox.post(.call(request, deadline: deadline, continuation)) {
                    continuation.resume(returning: .failure(.stopped))
                }
            }
        } onCancel: {
            inbox.post(.cancel(id))
        }
        return try result.get().checkedReply()
    }

    /// Stops the socket thread; calls still outstanding fail with `.stopped`.
    public func stop() async {
        await withCheckedContinuation { done in
            if !inbox.post(.stop(done)) { done.resume() }
        }
    }
}

/// What callers post to a client's socket thread.
enum ClientCommand: Sendable {
    case call(Envelope, deadline: UInt64, CheckedContinuation<Result<Envelope, IPCError>, Never>)
    case cancel(UInt64)
    case stop(CheckedContinuation<Void, Never>?)
}

extension Duration {
    /// The duration in whole nanoseconds (negative durations count as zero).
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}
