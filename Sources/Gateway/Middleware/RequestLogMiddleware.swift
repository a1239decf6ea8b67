import Hummingbird
import Logging

/// Logs every request with its status and latency, and counts it in the metrics. Sits outermost
/// so the time includes every other middleware and the status is the final one.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: GatewayMetrics
    let routes: XRPCRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let label = routeLabel(request.uri.path)
        metrics.recordRequest(route: label, status: response.status.code, duration: elapsed)
        context.logger.info("\(request.method.rawValue) \(request.uri.path) \(response.status.code) \(Self.milliseconds(elapsed)) ms")
        return response
    }

    /// The metrics label for a path: registered NSIDs by name, everything else lumped so that
    /// scanners probing random paths cannot blow up the number of series.
    func routeLabel(_ path: String) -> String {
        if path.hasPrefix("/xrpc/") {
            let name = String(path.dropFirst(6))
            return routes.method(name) != nil || routes.streamingMethod(name) != nil || name == "_health" ? name : "xrpc_unknown"
        }
        return ["/", "/metrics", "/robots.txt"].contains(path) ? path : "other"
    }

    static func milliseconds(_ d: Duration) -> String {
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        return String(format: "%.2f", ms)
    }
}
