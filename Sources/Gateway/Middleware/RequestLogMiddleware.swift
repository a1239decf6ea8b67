import Hummingbird
import Logging

/// Logs every request with its status and latency, and counts it in the metrics. Sits outermost
/// so the time includes every other middleware and the status is the final one.
///
/// Runs for every request, so it keeps the work small: each known route's metrics are looked up
/// once and kept (no label strings per request), and the one log line is built by appending to
/// one string, without `String(format:)`.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: GatewayMetrics
    let routes: XRPCRoutes
    /// Metrics by request path, for the paths that have a label of their own.
    private let known: [String: RouteMetrics]
    private let unknownXRPC: RouteMetrics
    private let other: RouteMetrics

    init(metrics: GatewayMetrics, routes: XRPCRoutes) {
        self.metrics = metrics
        self.routes = routes
        var known: [String: RouteMetrics] = [:]
        for name in routes.nsids + ["_health"] { known["/xrpc/" + name] = metrics.routeMetrics(name) }
        for path in ["/", "/metrics", "/robots.txt"] { known[path] = metrics.routeMetrics(path) }
        self.known = known
        unknownXRPC = metrics.routeMetrics("xrpc_unknown")
        other = metrics.routeMetrics("other")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let path = request.uri.path
        let status = response.status.code
        metrics(for: path).record(status: status, duration: elapsed)
        if context.logger.logLevel <= .info {
            var line = request.method.rawValue
            line.reserveCapacity(line.utf8.count + path.utf8.count + 24)
            line += " "
            line += path
            line += " "
            line += String(status)
            line += " "
            Self.appendMilliseconds(elapsed, to: &line)
            line += " ms"
            context.logger.info("\(line)")
        }
        return response
    }

    /// The metrics for a path: registered NSIDs by name, everything else lumped so that
    /// scanners probing random paths cannot blow up the number of series.
    func metrics(for path: String) -> RouteMetrics {
        if let m = known[path] { return m }
        return path.hasPrefix("/xrpc/") ? unknownXRPC : other
    }

    /// The metrics label for a path (see `metrics(for:)`).
    func routeLabel(_ path: String) -> String { metrics(for: path).route }

    /// Appends `d` in milliseconds with two decimals ("0.42", "12.05").
    static func appendMilliseconds(_ d: Duration, to text: inout String) {
        let (seconds, attoseconds) = d.components
        let hundredths = max(0, seconds * 100_000 + (attoseconds + 5_000_000_000_000) / 10_000_000_000_000)
        text += String(hundredths / 100)
        text += "."
        let fraction = hundredths % 100
        if fraction < 10 { text += "0" }
        text += String(fraction)
    }

    static func milliseconds(_ d: Duration) -> String {
        var text = ""
        appendMilliseconds(d, to: &text)
        return text
    }
}
