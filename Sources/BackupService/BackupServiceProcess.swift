import Config
import IPC

/// The BackupService's implementation of its IPC protocol. For now it only answers `ping`;
/// the issue that builds the service out adds its methods.
public struct BackupServiceImplementation: BackupServiceAPI {
    let identity = ProcessIdentity(service: .backup, version: PDSConfig.softwareVersion)

    public init() {}

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping() }
}

/// Starts the BackupService process's sockets.
public enum BackupServiceProcess {
    /// Binds the service's endpoint from `config` and serves its methods until stopped.
    public static func start(config: PDSConfig) async throws(IPCError) -> ServiceHost {
        try await ServiceHost.serve(.backup, at: config.ipc.backup, handlers: BackupServiceImplementation().rpcHandlers())
    }
}
