import Config
import IPC

/// The gateway's typed clients of every back-end service.
public struct ServiceConnections: Sendable {
    public let repo: RepoServiceClient
    /// The RepoService's `com.atproto.sync` reads.
    public let repoSync: RepoSyncClient
    /// The RepoService's `#sync` announcements and repo resets.
    public let repoReset: RepoResetClient
    public let firehose: FirehoseServiceClient
    public let blob: BlobServiceClient
    public let auth: AuthServiceClient
    public let backup: BackupServiceClient
    /// The same callers by name, for what every service answers (ping).
    public let byName: [ServiceName: ServiceClient]
    /// Recently looked-up account statuses for public reads.
    public let accountStatus = AccountStatusCache()
    private let stopActions: [@Sendable () async -> Void]

    /// Wraps one caller per service (sockets in production, in-process callers in tests),
    /// timing every call into `metrics`.
    public init(callers: [ServiceName: any RPCCaller], metrics: GatewayMetrics,
                stop: [@Sendable () async -> Void] = []) {
        func caller(_ name: ServiceName) -> any RPCCaller {
            MeteredCaller(service: name, inner: callers[name] ?? UnreachableCaller(service: name), metrics: metrics)
        }
        repo = RepoServiceClient(caller: caller(.repo))
        repoSync = RepoSyncClient(caller: caller(.repo))
        repoReset = RepoResetClient(caller: caller(.repo))
        firehose = FirehoseServiceClient(caller: caller(.firehose))
        blob = BlobServiceClient(caller: caller(.blob))
        auth = AuthServiceClient(caller: caller(.auth))
        backup = BackupServiceClient(caller: caller(.backup))
        var byName: [ServiceName: ServiceClient] = [:]
        for name in ServiceName.allCases { byName[name] = ServiceClient(service: name, caller: caller(name)) }
        self.byName = byName
        stopActions = stop
    }

    /// DEALER sockets to the endpoints in `config`.
    public static func connect(_ config: PDSConfig, metrics: GatewayMetrics) async throws(IPCError) -> ServiceConnections {
        let endpoints: [ServiceName: String] = [
            .repo: config.ipc.repo, .firehose: config.ipc.firehose, .blob: config.ipc.blob,
            .auth: config.ipc.auth, .backup: config.ipc.backup,
        ]
        var clients: [ServiceName: RPCClient] = [:]
        for (name, endpoint) in endpoints {
            clients[name] = try await RPCClient(endpoint: endpoint, defaultTimeout: config.ipcTimeout)
        }
        let all = Array(clients.values)
        return ServiceConnections(callers: clients, metrics: metrics,
                                  stop: all.map { client in { await client.stop() } })
    }

    /// Closes every socket.
    public func stop() async {
        for action in stopActions { await action() }
    }
}

/// Times each call and counts its outcome.
struct MeteredCaller: RPCCaller {
    let service: ServiceName
    let inner: any RPCCaller
    let metrics: GatewayMetrics

    var endpoint: String { inner.endpoint }
    var defaultTimeout: Duration { inner.defaultTimeout }

    func send(_ request: Envelope, timeout: Duration) async throws(IPCError) -> Envelope {
        let started = ContinuousClock.now
        do {
            let reply = try await inner.send(request, timeout: timeout)
            metrics.recordIPCCall(service: service.rawValue, method: request.method, outcome: "ok", duration: ContinuousClock.now - started)
            return reply
        } catch {
            metrics.recordIPCCall(service: service.rawValue, method: request.method, outcome: error.xrpcErrorName,
                                  duration: ContinuousClock.now - started)
            throw error
        }
    }
}

/// Stands in for a service the gateway was given no caller for: every call is unavailable.
struct UnreachableCaller: RPCCaller {
    let service: ServiceName
    var endpoint: String { "none:\(service.rawValue)" }
    var defaultTimeout: Duration { .seconds(1) }

    func send(_ request: Envelope, timeout: Duration) async throws(IPCError) -> Envelope {
        throw IPCError.unavailable(endpoint: endpoint)
    }
}
