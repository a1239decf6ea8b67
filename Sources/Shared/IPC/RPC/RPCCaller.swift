/// Something that carries a request envelope to a service and brings back its reply: an
/// `RPCClient` over ZeroMQ, or an `InProcessCaller` straight into a handler table.
public protocol RPCCaller: Sendable {
    /// Where calls go, for error messages and metrics.
    var endpoint: String { get }
    /// The deadline used when a call names none.
    var defaultTimeout: Duration { get }
    /// Sends `request` and waits at most `timeout` for the reply. A reply of kind `.error`
    /// comes back as `IPCError.remote`.
    func send(_ request: Envelope, timeout: Duration) async throws(IPCError) -> Envelope
}

extension RPCCaller {
    /// Calls `method` with `request`, typed end to end.
    public func call<Req, Resp>(_ method: RPCMethod<Req, Resp>, _ request: Req,
                                timeout: Duration? = nil) async throws(IPCError) -> Resp {
        let envelope = Envelope(kind: .request, id: 0, method: method.name, body: try method.encode(request: request))
        let reply = try await send(envelope, timeout: timeout ?? defaultTimeout)
        return try method.decode(response: reply.body)
    }
}

extension Envelope {
    /// The reply as a value, or the remote error it carries.
    func checkedReply() throws(IPCError) -> Envelope {
        switch kind {
        case .reply: return self
        case .error: throw IPCError.remote(name: errorName, message: errorMessage)
        case .request: throw IPCError.malformed("a request came back as a reply")
        }
    }
}
