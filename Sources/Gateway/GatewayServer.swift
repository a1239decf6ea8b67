import Config
import EventStream
import Hummingbird
import HummingbirdWebSocket
import IPC
import Logging
import NIOCore
import NIOPosix

/// The gateway process: HTTP on one port in front of the back-end services.
public enum GatewayServer {
    /// The XRPC methods the gateway serves. Each area adds its own from a file of its own.
    public static func routes(config: PDSConfig, services: ServiceConnections, metrics: GatewayMetrics,
                              auth: Authenticator? = nil) throws -> XRPCRoutes {
        var routes = XRPCRoutes()
        try DescribeServer.register(in: &routes, config: config)
        let auth = auth ?? authenticator(config: config, services: services)
        try PingService.register(in: &routes, services: services, metrics: metrics, auth: auth)
        try ServerSessions.register(in: &routes, services: services, auth: auth)
        try ServerAppPasswords.register(in: &routes, services: services, auth: auth)
        try RepoRecords.register(in: &routes, services: services, auth: auth)
        try RepoReads.register(in: &routes, services: services)
        try ActorPreferences.register(in: &routes, services: services, auth: auth,
                                      appViewAudience: config.appView.map { "\($0.did)#bsky_appview" } ?? "*")
        try AccountStatus.register(in: &routes, services: services, auth: auth)
        try ServerEmailFlows.register(in: &routes, services: services, auth: auth)
        try SyncRoutes.register(in: &routes, services: services)
        try RepoBlobs.register(in: &routes, services: services, auth: auth, uploadLimit: config.blobUploadLimit)
        try SyncBlobs.register(in: &routes, services: services)
        try MigrationRoutes.register(in: &routes, services: services, auth: auth, importLimit: config.importRepoLimit)
        try IdentityRoutes.register(in: &routes, services: services, auth: auth)
        try AdminRoutes.register(in: &routes, services: services, auth: auth)
        try AdminRepoRoutes.register(in: &routes, services: services, auth: auth)
        try AdminBackupRoutes.register(in: &routes, services: services, auth: auth)
        try AdminOAuthRoutes.register(in: &routes, services: services, auth: auth)
        return routes
    }

    /// The gateway's check of credentials (one per gateway, so its short cache is shared).
    public static func authenticator(config: PDSConfig, services: ServiceConnections) -> Authenticator {
        Authenticator(auth: services.auth, adminPassword: config.secrets.adminPassword, publicOrigin: config.publicURL.absoluteString)
    }

    /// The complete router: logging and metrics outermost, then XRPC error shaping, CORS, the
    /// XRPC dispatcher and the plain routes. With a `proxy`, methods served elsewhere are
    /// forwarded (its owner shuts it down); without one they answer 501.
    public static func router(config: PDSConfig, services: ServiceConnections, metrics: GatewayMetrics,
                              auth: Authenticator? = nil, proxy: ServiceProxy? = nil) throws -> Router<GatewayRequestContext> {
        let auth = auth ?? authenticator(config: config, services: services)
        let routes = try routes(config: config, services: services, metrics: metrics, auth: auth)
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: RequestLogMiddleware(metrics: metrics, routes: routes))
        router.add(middleware: XRPCErrorMiddleware())
        // The Bluesky web app calls a PDS from another origin, with these headers.
        router.add(middleware: CORSMiddleware(
            allowOrigin: .all,
            allowHeaders: [.accept, .authorization, .contentType, .origin, .init("atproto-proxy")!,
                           .init("atproto-accept-labelers")!, .init("dpop")!],
            allowMethods: [.get, .post, .head, .options],
            exposedHeaders: ["atproto-repo-rev", "atproto-content-labelers", "ratelimit-limit", "ratelimit-remaining",
                             "ratelimit-reset", "ratelimit-policy", "dpop-nonce", "www-authenticate"],
            maxAge: .seconds(86400)))
        let version = config.version
        let walWarningBytes = Int64(config.sqliteWALWarningMB) << 20
        let healthLogger = Logger(label: "pds.gateway.health")
        let limiter = config.rateLimitsEnabled ? RateLimiter(auth: services.auth, bypassKey: config.rateLimitBypassKey) : nil
        router.add(middleware: XRPCDispatcher(routes: routes, special: [
            "_health": { request, _ in
                // The details (process ids, uptimes, file paths) are the operator's: without
                // admin Basic auth only the version and whether the PDS is healthy.
                let detailed = (try? auth.admin(request.headers)) != nil
                return try await Health.respond(services: services, metrics: metrics, version: version,
                                                walWarningBytes: walWarningBytes, detailed: detailed, logger: healthLogger)
            },
        ], limiter: limiter, proxy: proxy))
        StaticRoutes.register(on: router, metrics: metrics) {
            metrics.setBackupStatus(try? await services.backup.caller.call(BackupMethods.status, Empty(), timeout: .milliseconds(500)))
        }
        WellKnown.register(on: router, config: config, services: services)
        OAuthMetadata.register(on: router, config: config)
        OAuthEndpoints.register(on: router, config: config, auth: services.auth)
        AuthorizeRoutes.register(on: router, config: config, auth: services.auth)
        return router
    }

    /// Runs the gateway until SIGTERM or SIGINT, then closes its service connections.
    public static func run(config: PDSConfig, logger: Logger) async throws {
        let metrics = GatewayMetrics()
        let services = try await ServiceConnections.connect(config, metrics: metrics)
        // The hub's walk is paced from one of the loops the server runs on (Hummingbird's
        // default group is NIO's singleton), where half the connections' writes happen.
        let pacer = EventLoopPacer(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let feed = FirehoseFeed(firehose: services.firehose,
                                hub: EventHub(capacity: config.firehoseSubscriberQueue, pacer: pacer),
                                writeTimeout: .milliseconds(config.firehoseWriteTimeoutMilliseconds))
        try await feed.start(endpoint: config.ipc.firehoseEvents)
        let auth = authenticator(config: config, services: services)
        let proxy = ServiceProxy(config: config, services: services, auth: auth, metrics: metrics)
        let app = Application(
            router: try router(config: config, services: services, metrics: metrics, auth: auth, proxy: proxy),
            server: .http1WebSocketUpgrade(configuration: .init(http1: .init(additionalChannelHandlers: [ExpectContinueHandler()]))) {
                request, channel, _ in SubscribeRepos.shouldUpgrade(request, channel: channel, feed: feed)
            },
            configuration: .init(address: .hostname(config.bindAddress, port: config.port), serverName: "PDSwift"),
            logger: logger)
        do {
            try await app.runService()
        } catch {
            await proxy.shutdown()
            await feed.stop()
            await services.stop()
            throw error
        }
        await proxy.shutdown()
        await feed.stop()
        await services.stop()
    }
}
