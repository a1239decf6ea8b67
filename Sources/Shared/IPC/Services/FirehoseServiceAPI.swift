/// The FirehoseService (it sequences and publishes repository events) as seen over IPC. Later issues add its methods here: a
/// requirement on the protocol, a static `RPCMethod` in `FirehoseMethods`, a line in `rpcHandlers`
/// and a forwarding method on `FirehoseServiceClient`.
public protocol FirehoseServiceAPI: ServiceAPI {}

/// The wire names and types of the FirehoseService's own methods.
public enum FirehoseMethods {}

extension FirehoseServiceAPI {
    /// This implementation's methods, ready to serve over a socket or in-process.
    public func rpcHandlers() -> RPCHandlers {
        var handlers = RPCHandlers()
        registerCommonMethods(into: &handlers)
        return handlers
    }
}

/// Calls a FirehoseService through an `RPCCaller`.
public struct FirehoseServiceClient: FirehoseServiceAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse {
        try await caller.call(CommonMethods.ping, request)
    }
}
