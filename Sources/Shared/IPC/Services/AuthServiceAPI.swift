/// The AuthService (it owns accounts, sessions and tokens) as seen over IPC. Later issues add its methods here: a
/// requirement on the protocol, a static `RPCMethod` in `AuthMethods`, a line in `rpcHandlers`
/// and a forwarding method on `AuthServiceClient`.
public protocol AuthServiceAPI: ServiceAPI {}

/// The wire names and types of the AuthService's own methods.
public enum AuthMethods {}

extension AuthServiceAPI {
    /// This implementation's methods, ready to serve over a socket or in-process.
    public func rpcHandlers() -> RPCHandlers {
        var handlers = RPCHandlers()
        registerCommonMethods(into: &handlers)
        return handlers
    }
}

/// Calls a AuthService through an `RPCCaller`.
public struct AuthServiceClient: AuthServiceAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse {
        try await caller.call(CommonMethods.ping, request)
    }
}
