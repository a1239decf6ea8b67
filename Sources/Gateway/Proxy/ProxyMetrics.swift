import Synchronization

/// The proxy's figures on `/metrics`: `pds_proxy_requests_total{target,status}` and the
/// upstream latency histogram `pds_proxy_upstream_duration_seconds{target}` (time to the
/// upstream's headers). Targets come from request headers, so past 100 distinct ones the
/// rest share the label `other` instead of growing the exposition without bound.
final class ProxyMetrics: Sendable {
    let metrics: GatewayMetrics
    private let labels = Mutex<Set<String>>([])
    static let maxTargets = 100

    init(metrics: GatewayMetrics) { self.metrics = metrics }

    /// Counts one proxied call that ended with `status` (the client's status, 502/504 included).
    func record(target: String, status: Int) {
        metrics.counter("pds_proxy_requests_total", [("target", label(target)), ("status", String(status))]).increment()
    }

    /// Records how long the upstream took to answer with its headers.
    func recordUpstream(target: String, duration: Duration) {
        metrics.timer("pds_proxy_upstream_duration_seconds", [("target", label(target))]).record(duration: duration)
    }

    private func label(_ target: String) -> String {
        labels.withLock { known in
            if known.contains(target) { return target }
            guard known.count < Self.maxTargets else { return "other" }
            known.insert(target)
            return target
        }
    }
}
