/// The BackupService (it backs up every SQLite file and blob) as seen over IPC. Later issues add its methods here: a
/// requirement on the protocol, a static `RPCMethod` in `BackupMethods`, a line in `rpcHandlers`
/// and a forwarding method on `BackupServiceClient`.
public protocol BackupServiceAPI: ServiceAPI {}

/// The wire names and types of the BackupService's own methods.
public enum BackupMethods {}

extension BackupServiceAPI {
    /// This implementation's methods, ready to serve over a socket or in-process.
    public func rpcHandlers() -> RPCHandlers {
        var handlers = RPCHandlers()
        registerCommonMethods(into: &handlers)
        return handlers
    }
}

/// Calls a BackupService through an `RPCCaller`.
public struct BackupServiceClient: BackupServiceAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse {
        try await caller.call(CommonMethods.ping, request)
    }
}
