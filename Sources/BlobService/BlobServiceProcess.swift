import Config
import IPC

/// The BlobService's implementation of its IPC protocol. For now it only answers `ping`;
/// the issue that builds the service out adds its methods.
public struct BlobServiceImplementation: BlobServiceAPI {
    let identity = ProcessIdentity(service: .blob, version: PDSConfig.softwareVersion)

    public init() {}

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping() }
}

/// Starts the BlobService process's sockets.
public enum BlobServiceProcess {
    /// Binds the service's endpoint from `config` and serves its methods until stopped.
    public static func start(config: PDSConfig) async throws(IPCError) -> ServiceHost {
        try await ServiceHost.serve(.blob, at: config.ipc.blob, handlers: BlobServiceImplementation().rpcHandlers())
    }
}
