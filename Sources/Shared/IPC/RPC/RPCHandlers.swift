/// The methods a service answers, by name: what an `RPCServer` (over sockets) or an
/// `InProcessCaller` (in one process, for unit tests) dispatches requests to.
public struct RPCHandlers: Sendable {
    /// How a method runs.
    enum Handler: Sendable {
        /// On the cooperative pool, in a task of its own.
        case async(@Sendable (Envelope) async -> Envelope)
        /// Inline on the server's socket thread: only for methods that are cheap and never block
        /// (ping), where skipping the hop to the pool halves their latency.
        case immediate(@Sendable (Envelope) -> Envelope)
    }

    private(set) var table: [String: Handler] = [:]

    public init() {}

    /// Names of every registered method.
    public var methodNames: [String] { table.keys.sorted() }

    /// Registers `body` as the implementation of `method`.
    public mutating func register<Req, Resp>(_ method: RPCMethod<Req, Resp>,
                                             _ body: @escaping @Sendable (Req) async throws(IPCError) -> Resp) {
        table[method.name] = .async { request async in
            do throws(IPCError) {
                let decoded = try method.decode(request: request.body)
                let response = try await body(decoded)
                return Envelope(kind: .reply, id: request.id, method: method.name, body: try method.encode(response: response))
            } catch {
                return Self.errorReply(to: request, error)
            }
        }
    }

    /// Registers a synchronous, non-blocking implementation that the server runs on its socket
    /// thread. Anything that touches disk or waits must use `register` instead.
    public mutating func registerImmediate<Req, Resp>(_ method: RPCMethod<Req, Resp>,
                                                      _ body: @escaping @Sendable (Req) throws(IPCError) -> Resp) {
        table[method.name] = .immediate { request in
            do throws(IPCError) {
                let decoded = try method.decode(request: request.body)
                let response = try body(decoded)
                return Envelope(kind: .reply, id: request.id, method: method.name, body: try method.encode(response: response))
            } catch {
                return Self.errorReply(to: request, error)
            }
        }
    }

    /// Looks up the handler for a request; unknown methods get a `MethodNotImplemented` reply.
    func handler(for request: Envelope) -> Handler {
        if let handler = table[request.method] { return handler }
        return .immediate { request in
            Envelope(kind: .error, id: request.id, method: request.method,
                     errorName: "MethodNotImplemented", errorMessage: "no IPC method \(request.method)")
        }
    }

    /// Runs a request to completion wherever the caller is (the in-process path).
    func handle(_ request: Envelope) async -> Envelope {
        switch handler(for: request) {
        case .async(let body): await body(request)
        case .immediate(let body): body(request)
        }
    }

    static func errorReply(to request: Envelope, _ error: IPCError) -> Envelope {
        let message: String
        if case .remote(_, let m) = error { message = m } else { message = error.description }
        return Envelope(kind: .error, id: request.id, method: request.method,
                        errorName: error.xrpcErrorName, errorMessage: message)
    }
}
