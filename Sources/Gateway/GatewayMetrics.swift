import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The gateway's Prometheus metrics: requests by route and status, request latency, IPC call
/// latency, and whether each service is up. Uses its own registry (not the global
/// `MetricsSystem`), so several gateways in one test process do not share counters.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// Counters and timers are looked up once per label set; the registry's own lookup is slower.
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let timers = Mutex<[String: CoreMetrics.Timer]>([:])
    private let gauges = Mutex<[String: CoreMetrics.Gauge]>([:])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Buckets from 100 µs to 10 s: IPC calls sit at the low end, HTTP calls in the middle.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
        ]
        self.factory = factory
    }

    /// Counts one HTTP request and its latency.
    public func recordRequest(route: String, status: Int, duration: Duration) {
        let key = "\(route) \(status)"
        let counter = counters.withLock { table in
            if let c = table[key] { return c }
            let c = CoreMetrics.Counter(label: "xrpc_requests_total", dimensions: [("method", route), ("status", String(status))], factory: factory)
            table[key] = c
            return c
        }
        counter.increment()
        timer("http_request_duration_seconds", [("method", route)]).record(duration: duration)
    }

    /// Records the latency of one IPC call and how it ended ("ok" or the error name).
    public func recordIPCCall(service: String, method: String, outcome: String, duration: Duration) {
        timer("ipc_call_duration_seconds", [("service", service), ("method", method), ("outcome", outcome)]).record(duration: duration)
    }

    /// Sets whether `service` answered its last ping.
    public func setServiceUp(_ service: String, _ up: Bool) {
        let gauge = gauges.withLock { table in
            if let g = table[service] { return g }
            let g = CoreMetrics.Gauge(label: "pds_service_up", dimensions: [("service", service)], factory: factory)
            table[service] = g
            return g
        }
        gauge.record(up ? 1 : 0)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Timer {
        let key = label + dimensions.map { "|\($0.1)" }.joined()
        return timers.withLock { table in
            if let t = table[key] { return t }
            let t = CoreMetrics.Timer(label: label, dimensions: dimensions, factory: factory)
            table[key] = t
            return t
        }
    }
}

extension CoreMetrics.Timer {
    func record(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
