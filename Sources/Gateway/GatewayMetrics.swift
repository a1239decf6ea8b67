import CoreMetrics
import Foundation
import IPC
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
    private let routes = Mutex<[String: RouteMetrics]>([:])
    private let timers = Mutex<[String: CoreMetrics.Timer]>([:])
    private let gauges = Mutex<[String: CoreMetrics.Gauge]>([:])
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])

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
        routeMetrics(route).record(status: status, duration: duration)
    }

    /// The metrics of one route, made once and kept: recording a request through it builds no
    /// label strings and does no lookup beyond one small table of statuses.
    public func routeMetrics(_ route: String) -> RouteMetrics {
        routes.withLock { table in
            if let r = table[route] { return r }
            let r = RouteMetrics(route: route, factory: factory,
                                 duration: timer("http_request_duration_seconds", [("method", route)]))
            table[route] = r
            return r
        }
    }

    /// Records the latency of one IPC call and how it ended ("ok" or the error name).
    public func recordIPCCall(service: String, method: String, outcome: String, duration: Duration) {
        timer("ipc_call_duration_seconds", [("service", service), ("method", method), ("outcome", outcome)]).record(duration: duration)
    }

    /// Sets whether `service` answered its last ping.
    public func setServiceUp(_ service: String, _ up: Bool) {
        gauge("pds_service_up", service: service).record(up ? 1 : 0)
    }

    /// Sets the total size of `service`'s SQLite write-ahead logs, as its last ping reported.
    public func setWALBytes(_ service: String, _ bytes: Int64) {
        gauge("pds_sqlite_wal_bytes", service: service).record(bytes)
    }

    /// Sets the backup alerts' figures from the BackupService's status (nil: it did not answer),
    /// so an alerting rule can fire on a stale backup, a failed drill or any warning.
    public func setBackupStatus(_ status: BackupTypes.Status?, now: Date = Date()) {
        gauge("pds_backup_status_available").record(status == nil ? 0 : 1)
        guard let status else { return }
        gauge("pds_backup_complete_count").record(status.backups)
        gauge("pds_backup_last_complete_age_seconds").record(status.lastCompleteAt.map { now.timeIntervalSince($0) } ?? -1)
        gauge("pds_backup_last_drill_passed").record(status.lastDrillPassed.map { $0 ? 1 : 0 } ?? -1)
        gauge("pds_backup_warnings").record(status.warnings.count)
    }

    private func gauge(_ label: String, service: String? = nil) -> CoreMetrics.Gauge {
        gauges.withLock { table in
            let key = label + "|" + (service ?? "")
            if let g = table[key] { return g }
            let g = CoreMetrics.Gauge(label: label, dimensions: service.map { [("service", $0)] } ?? [], factory: factory)
            table[key] = g
            return g
        }
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    /// The counter of `label` with `dimensions`, made once.
    func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        let key = label + dimensions.map { "|\($0.1)" }.joined()
        return counters.withLock { table in
            if let c = table[key] { return c }
            let c = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            table[key] = c
            return c
        }
    }

    /// The timer (a histogram in seconds) of `label` with `dimensions`, made once.
    func timer(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Timer {
        let key = label + dimensions.map { "|\($0.1)" }.joined()
        return timers.withLock { table in
            if let t = table[key] { return t }
            let t = CoreMetrics.Timer(label: label, dimensions: dimensions, factory: factory)
            table[key] = t
            return t
        }
    }
}

/// The request counters (by status) and the latency histogram of one route.
public final class RouteMetrics: Sendable {
    public let route: String
    private let factory: PrometheusMetricsFactory
    private let duration: CoreMetrics.Timer
    private let counters = Mutex<[Int: CoreMetrics.Counter]>([:])

    init(route: String, factory: PrometheusMetricsFactory, duration: CoreMetrics.Timer) {
        self.route = route
        self.factory = factory
        self.duration = duration
    }

    /// Counts one request that ended with `status` and took `duration`.
    public func record(status: Int, duration elapsed: Duration) {
        let counter = counters.withLock { table in
            if let c = table[status] { return c }
            let c = CoreMetrics.Counter(label: "xrpc_requests_total", dimensions: [("method", route), ("status", String(status))],
                                        factory: factory)
            table[status] = c
            return c
        }
        counter.increment()
        duration.record(duration: elapsed)
    }
}

extension CoreMetrics.Timer {
    func record(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
