import Foundation
import Logging
import Synchronization

/// A log handler writing one line per message to stderr: "<UTC time> <level> <label>: <message>
/// <metadata>". Cheaper than swift-log's StreamLogHandler where it matters (the gateway logs
/// every request): the timestamp text is made once per second, not per line.
struct LineLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let label: String

    init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var text = Self.clock.timestamp()
        text += " \(event.level) \(label): \(event.message)"
        let merged = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        if !merged.isEmpty {
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        }
        text += "\n"
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue } else { return } }
            offset += n
        }
    }

    private static let clock = SecondClock()
}

/// ISO 8601 UTC time to the second, formatted at most once per second.
final class SecondClock: Sendable {
    private let cache = Mutex<(second: Int, text: String)>((-1, ""))

    func timestamp() -> String {
        let now = Int(time(nil))
        return cache.withLock { cached in
            if cached.second == now { return cached.text }
            var t = time_t(now)
            var parts = tm()
            gmtime_r(&t, &parts)
            let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                              parts.tm_hour, parts.tm_min, parts.tm_sec)
            cached = (now, text)
            return text
        }
    }
}
