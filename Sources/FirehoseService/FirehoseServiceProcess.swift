import Config
import IPC

/// The FirehoseService's implementation of its IPC protocol. For now it only answers `ping`; the
/// issue that builds the service out adds sequencing and backfill.
public struct FirehoseServiceImplementation: FirehoseServiceAPI {
    let identity = ProcessIdentity(service: .firehose, version: PDSConfig.softwareVersion)

    public init() {}

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping() }
}

/// Starts the FirehoseService process's sockets: its ROUTER and the PUB socket gateways subscribe to.
public enum FirehoseServiceProcess {
    /// Binds both endpoints from `config` and serves until stopped.
    public static func start(config: PDSConfig) async throws(IPCError) -> ServiceHost {
        let events = try await EventPublisher(endpoint: config.ipc.firehoseEvents)
        do {
            return try await ServiceHost.serve(.firehose, at: config.ipc.firehose,
                                               handlers: FirehoseServiceImplementation().rpcHandlers(), publishers: [events])
        } catch {
            await events.stop()
            throw error
        }
    }
}
