/// The RepoService (it writes records and serves repositories) as seen over IPC. Later issues add its methods here: a
/// requirement on the protocol, a static `RPCMethod` in `RepoMethods`, a line in `rpcHandlers`
/// and a forwarding method on `RepoServiceClient`.
public protocol RepoServiceAPI: ServiceAPI {}

/// The wire names and types of the RepoService's own methods.
public enum RepoMethods {}

extension RepoServiceAPI {
    /// This implementation's methods, ready to serve over a socket or in-process.
    public func rpcHandlers() -> RPCHandlers {
        var handlers = RPCHandlers()
        registerCommonMethods(into: &handlers)
        return handlers
    }
}

/// Calls a RepoService through an `RPCCaller`.
public struct RepoServiceClient: RepoServiceAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse {
        try await caller.call(CommonMethods.ping, request)
    }
}
