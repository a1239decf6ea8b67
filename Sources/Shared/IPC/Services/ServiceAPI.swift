/// What every service offers; each service's protocol refines it with its own methods.
///
/// A protocol method is the service's API in Swift terms. The same protocol has two kinds of
/// conformers: the service's implementation (served by `RPCServer` or `InProcessCaller`) and a
/// client that forwards each call over an `RPCCaller`, so the gateway calls a service exactly as a
/// unit test calls the implementation.
public protocol ServiceAPI: Sendable {
    /// Liveness and identity.
    func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse
}

extension ServiceAPI {
    /// Registers the methods every service has.
    func registerCommonMethods(into handlers: inout RPCHandlers) {
        handlers.register(CommonMethods.ping) { request async throws(IPCError) in try await self.ping(request) }
    }
}

/// A client of any service, through which the gateway reaches methods all services share.
public struct ServiceClient: ServiceAPI {
    public let service: ServiceName
    public let caller: any RPCCaller

    public init(service: ServiceName, caller: any RPCCaller) {
        self.service = service
        self.caller = caller
    }

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse {
        try await caller.call(CommonMethods.ping, request)
    }

    /// Pings with an explicit deadline (health checks use a short one).
    public func ping(timeout: Duration, includeWAL: Bool = false) async throws(IPCError) -> PingResponse {
        try await caller.call(CommonMethods.ping, PingRequest(includeWAL: includeWAL ? true : nil), timeout: timeout)
    }
}

extension ServiceAPI {
    /// Handlers for just the methods every service has (test doubles, services not yet built out).
    public func commonHandlers() -> RPCHandlers {
        var handlers = RPCHandlers()
        registerCommonMethods(into: &handlers)
        return handlers
    }
}
