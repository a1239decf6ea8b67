import Config
import IPC

/// The AuthService's implementation of its IPC protocol. For now it only answers `ping`;
/// the issue that builds the service out adds its methods.
public struct AuthServiceImplementation: AuthServiceAPI {
    let identity = ProcessIdentity(service: .auth, version: PDSConfig.softwareVersion)

    public init() {}

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping() }
}

/// Starts the AuthService process's sockets.
public enum AuthServiceProcess {
    /// Binds the service's endpoint from `config` and serves its methods until stopped.
    public static func start(config: PDSConfig) async throws(IPCError) -> ServiceHost {
        try await ServiceHost.serve(.auth, at: config.ipc.auth, handlers: AuthServiceImplementation().rpcHandlers())
    }
}
