import CZeroMQ

/// Everything that can go wrong with an IPC call, each case naming the XRPC error (and HTTP
/// status) a gateway answers with when it cannot complete a request because of it.
public enum IPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No reply within the call's deadline: the service is slow or died after taking the request.
    case timeout(method: String, endpoint: String)
    /// The request could not even be handed to the service: nothing is connected at `endpoint`.
    case unavailable(endpoint: String)
    /// The service answered with an error; `name` is an XRPC error name such as "InvalidRequest".
    case remote(name: String, message: String)
    /// A frame that is not a valid envelope, or a body that does not decode as the method's type.
    case malformed(String)
    /// The socket or server was stopped (or was being stopped) while the call was outstanding.
    case stopped
    /// The calling task was cancelled.
    case cancelled
    /// libzmq refused an operation (bad endpoint, address in use, ...).
    case zmq(code: Int32, message: String)

    /// The XRPC error name a gateway reports for this failure.
    public var xrpcErrorName: String {
        switch self {
        case .timeout: "UpstreamTimeout"
        case .unavailable, .stopped: "ServiceUnavailable"
        case .remote(let name, _): name
        case .malformed, .zmq, .cancelled: "InternalServerError"
        }
    }

    /// The HTTP status a gateway answers with. A dead or slow service is 503: the request may be
    /// retried once the supervisor has restarted it.
    public var httpStatus: Int {
        switch self {
        case .timeout, .unavailable, .stopped: 503
        case .remote(let name, _): Self.status(forRemoteName: name)
        case .malformed, .zmq, .cancelled: 500
        }
    }

    public var description: String {
        switch self {
        case .timeout(let method, let endpoint): "IPC call \(method) to \(endpoint) timed out"
        case .unavailable(let endpoint): "service at \(endpoint) is not reachable"
        case .remote(let name, let message): "\(name): \(message)"
        case .malformed(let what): "malformed IPC message: \(what)"
        case .stopped: "IPC socket stopped"
        case .cancelled: "IPC call cancelled"
        case .zmq(let code, let message): "\(message) (zmq errno \(code))"
        }
    }

    /// Maps the XRPC error names services use to HTTP statuses, as the reference PDS does.
    static func status(forRemoteName name: String) -> Int {
        switch name {
        case "InvalidRequest", "InvalidSwap", "RecordNotFound", "RepoNotFound", "BlobNotFound", "InvalidMimeType",
             "InvalidHandle", "HandleNotAvailable", "UnsupportedDomain", "InvalidInviteCode",
             "AccountNotFound", "RepoDeactivated", "RepoTakendown", "RepoSuspended", "BlockedByActor",
             "IncompatibleDidDoc", "DidNotFound", "HandleNotFound", "AlreadyExists":
            400
        case "AuthenticationRequired", "ExpiredToken", "InvalidToken", "AccountTakedown":
            401
        case "Forbidden": 403
        case "NotFound": 404
        case "PayloadTooLarge", "BlobTooLarge": 413
        case "RangeNotSatisfiable": 416
        case "RateLimitExceeded": 429
        case "MethodNotImplemented": 501
        case "ServiceUnavailable", "UpstreamTimeout": 503
        default: 500
        }
    }

    /// The error of the last failed libzmq call.
    static func lastZMQ(_ what: String) -> IPCError {
        let err = zmq_errno()
        return .zmq(code: err, message: "\(what): " + String(cString: zmq_strerror(err)))
    }
}
