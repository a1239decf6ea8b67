/// The BlobService (it stores blobs) as seen over IPC. Later issues add its methods here: a
/// requirement on the protocol, a static `RPCMethod` in `BlobMethods`, a line in `rpcHandlers`
/// and a forwarding method on `BlobServiceClient`.
public protocol BlobServiceAPI: ServiceAPI {}

/// The wire names and types of the BlobService's own methods.
public enum BlobMethods {}

extension BlobServiceAPI {
    /// This implementation's methods, ready to serve over a socket or in-process.
    public func rpcHandlers() -> RPCHandlers {
        var handlers = RPCHandlers()
        registerCommonMethods(into: &handlers)
        return handlers
    }
}

/// Calls a BlobService through an `RPCCaller`.
public struct BlobServiceClient: BlobServiceAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse {
        try await caller.call(CommonMethods.ping, request)
    }
}
