import Config
import IPC

/// The RepoService's implementation of its IPC protocol. For now it only answers `ping`;
/// the issue that builds the service out adds its methods.
public struct RepoServiceImplementation: RepoServiceAPI {
    let identity = ProcessIdentity(service: .repo, version: PDSConfig.softwareVersion)

    public init() {}

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping() }
}

/// Starts the RepoService process's sockets.
public enum RepoServiceProcess {
    /// Binds the service's endpoint from `config` and serves its methods until stopped.
    public static func start(config: PDSConfig) async throws(IPCError) -> ServiceHost {
        try await ServiceHost.serve(.repo, at: config.ipc.repo, handlers: RepoServiceImplementation().rpcHandlers())
    }
}
