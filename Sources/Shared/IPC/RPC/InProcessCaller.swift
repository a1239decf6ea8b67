/// Serves a handler table inside the calling process: the same envelopes and codecs as the
/// socket path, minus the sockets. Unit tests of a service, and single-process tools, use it.
public struct InProcessCaller: RPCCaller {
    public let handlers: RPCHandlers
    public let endpoint: String
    public let defaultTimeout: Duration

    public init(_ handlers: RPCHandlers, name: String = "inproc", defaultTimeout: Duration = .seconds(5)) {
        self.handlers = handlers
        self.endpoint = "in-process:\(name)"
        self.defaultTimeout = defaultTimeout
    }

    public func send(_ request: Envelope, timeout: Duration) async throws(IPCError) -> Envelope {
        let handlers = self.handlers
        // The deadline holds here too, so code tested in-process sees the same timeout errors.
        let outcome: Envelope? = await withTaskGroup(of: Envelope?.self) { group in
            group.addTask { await handlers.handle(request) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let reply = outcome else { throw IPCError.timeout(method: request.method, endpoint: endpoint) }
        return try reply.checkedReply()
    }
}
