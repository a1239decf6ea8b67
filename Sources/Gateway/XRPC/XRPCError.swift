import HTTPTypes
import IPC
import Logging

/// An XRPC error response: an HTTP status and the `{"error": name, "message": text}` body every
/// failed XRPC call answers with.
public struct XRPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// The XRPC error name ("InvalidRequest", "MethodNotImplemented", ...).
    public var error: String
    public var message: String
    /// Extra response headers (`WWW-Authenticate` and `DPoP-Nonce` on DPoP failures).
    public var headers: [String: String] = [:]

    public init(_ status: HTTPResponse.Status, _ error: String, _ message: String, headers: [String: String] = [:]) {
        self.status = status
        self.error = error
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(error): \(message)" }

    /// 400: the request is malformed.
    public static func invalidRequest(_ message: String) -> XRPCError { XRPCError(.badRequest, "InvalidRequest", message) }
    /// 501: no such method on this server.
    public static func methodNotImplemented(_ nsid: String) -> XRPCError {
        XRPCError(.notImplemented, "MethodNotImplemented", "Method Not Implemented: \(nsid)")
    }
    /// 413: the body is larger than the method accepts.
    public static func payloadTooLarge(limit: Int) -> XRPCError {
        XRPCError(.contentTooLarge, "PayloadTooLarge", "request body is larger than \(limit) bytes")
    }
    /// 403: an OAuth token whose scopes do not cover the call.
    public static func insufficientScope(_ scope: String) -> XRPCError {
        XRPCError(.forbidden, "InsufficientScope", "Missing required scope \"\(scope)\"")
    }
    /// 500, without leaking internals to the client.
    public static func internalServerError(_ message: String = "Internal Server Error") -> XRPCError {
        XRPCError(.internalServerError, "InternalServerError", message)
    }

    static let logger = Logger(label: "pds.gateway.errors")

    /// Whether a failure's text carries what only the operator should see: a file path, a
    /// socket, SQL or a platform error dump.
    static func namesInternals(_ message: String) -> Bool {
        if message.contains("SQLite") || message.contains("sqlite") || message.contains("ipc://") || message.contains("Error Domain=") {
            return true
        }
        // An absolute path: a word starting with "/" with another "/" in it.
        return message.split(whereSeparator: { $0 == " " || $0 == "'" || $0 == "\"" || $0 == "(" || $0 == ":" })
            .contains { $0.hasPrefix("/") && $0.dropFirst().contains("/") }
    }

    /// SQLite's SQLITE_FULL (error 13) or the kernel's ENOSPC, as a service reports them.
    static func isOutOfSpace(_ message: String) -> Bool {
        message.contains("database or disk is full") || message.contains("No space left on device") || message.contains("SQLITE_FULL")
    }

    /// The answer for a failed IPC call: 503 when the service is down or too slow, otherwise the
    /// status its error name maps to.
    public init(_ ipc: IPCError) {
        let status = HTTPResponse.Status(code: ipc.httpStatus)
        switch ipc {
        case .remote("InternalServerError", let message) where status.code == 500:
            // A failure's text may name files, sockets and SQL: the operator's log gets it, the
            // client a plain answer. A full disk is the one worth telling clients: try later.
            Self.logger.error("service call failed: \(message)")
            if Self.isOutOfSpace(message) {
                self.init(.serviceUnavailable, "InsufficientStorage", "The server is out of disk space; try again later")
            } else if message.contains("database is locked") || message.contains("SQLITE_BUSY") {
                // Another process holds the file past the busy timeout (a backup tool, sqlite3).
                self.init(.serviceUnavailable, "ServiceUnavailable", "The server is busy; try again later")
            } else if Self.namesInternals(message) {
                self.init(.internalServerError, "InternalServerError", "Internal Server Error")
            } else {
                // A message the service wrote for clients ("Email could not be sent").
                self.init(.internalServerError, "InternalServerError", message)
            }
        case .remote(let name, let message): self.init(status, name, message)
        case .timeout, .unavailable, .stopped:
            // The description names the socket (a path); the log keeps it, the client is told which kind.
            Self.logger.warning("service call failed: \(ipc.description)")
            let message = if case .timeout = ipc { "A service of this server did not answer in time; try again" }
                          else { "A service of this server is not reachable; try again" }
            self.init(status, ipc.xrpcErrorName, message)
        case .malformed, .zmq, .cancelled: self.init(status, ipc.xrpcErrorName, "internal service call failed")
        }
    }
}
