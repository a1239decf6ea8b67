import Foundation
import Logging

/// The backup alerts (stale backup, failed drill, disk over 90%) in the log, at error level,
/// where an operator's log monitoring sees them — not only in `_health` and `/metrics`,
/// which someone has to look at or scrape. A warning is logged when it appears and again
/// every `repeatEvery` while it lasts, not on every check.
struct BackupAlerts {
    var repeatEvery: TimeInterval = 3600
    private var lastLogged: [String: Date] = [:]

    /// The warnings of this check that should be logged now.
    mutating func due(_ warnings: [String], now: Date = Date()) -> [String] {
        let current = Set(warnings)
        lastLogged = lastLogged.filter { current.contains($0.key) }
        var out: [String] = []
        for warning in warnings {
            if let last = lastLogged[warning], now.timeIntervalSince(last) < repeatEvery { continue }
            lastLogged[warning] = now
            out.append(warning)
        }
        return out
    }

    /// Checks `status` every `interval` (the first a minute after start) and logs what is due.
    static func watch(every interval: Duration = .seconds(600), logger: Logger,
                      status: @escaping @Sendable () async throws -> [String]) {
        Task.detached {
            var alerts = BackupAlerts()
            try? await Task.sleep(for: .seconds(60))
            while !Task.isCancelled {
                if let warnings = try? await status() {
                    for warning in alerts.due(warnings) { logger.error("backup alert: \(warning)") }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
