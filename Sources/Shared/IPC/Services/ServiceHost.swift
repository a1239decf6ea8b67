/// The sockets of one running back-end process: its ROUTER and any PUB sockets. The process
/// entry starts one, waits for SIGTERM/SIGINT and calls `stop`.
public struct ServiceHost: Sendable {
    public let service: ServiceName
    public let server: RPCServer
    public let publishers: [EventPublisher]

    public init(service: ServiceName, server: RPCServer, publishers: [EventPublisher] = []) {
        self.service = service
        self.server = server
        self.publishers = publishers
    }

    /// Binds `endpoint` and serves `handlers` there.
    public static func serve(_ service: ServiceName, at endpoint: String, handlers: RPCHandlers,
                             publishers: [EventPublisher] = []) async throws(IPCError) -> ServiceHost {
        ServiceHost(service: service, server: try await RPCServer(endpoint: endpoint, handlers: handlers), publishers: publishers)
    }

    /// Lets handlers in flight answer, then closes every socket and terminates their contexts.
    public func stop() async {
        await server.stop()
        for publisher in publishers { await publisher.stop() }
    }
}
