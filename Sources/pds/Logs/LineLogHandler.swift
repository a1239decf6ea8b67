import Dispatch
import Foundation
import Logging
import Synchronization

/// A log handler writing one line per message to stderr: "<UTC time> <level> <label>: <message>
/// <metadata>". Cheaper than swift-log's StreamLogHandler where it matters (the gateway logs
/// every request): the timestamp text is made once per second, the line is appended straight
/// into the output buffer, and lines below warning are written in batches (see `LogSink`).
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
        text.reserveCapacity(text.utf8.count + label.utf8.count + 96)
        text += " "
        text += Self.name(of: event.level)
        text += " "
        text += label
        text += ": "
        text += event.message.description
        if let extra = event.metadata, !extra.isEmpty {
            append(metadata.merging(extra) { $1 }, to: &text)
        } else if !metadata.isEmpty {
            append(metadata, to: &text)
        }
        text += "\n"
        LogSink.standardError.write(text, urgent: event.level >= .warning)
    }

    private func append(_ metadata: Logger.Metadata, to text: inout String) {
        if metadata.count == 1, let (key, value) = metadata.first {
            text += " \(key)=\(value)"
            return
        }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
    }

    static func name(of level: Logger.Level) -> String {
        switch level {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }

    private static let clock = SecondClock()
}

/// Collects log lines and writes them to a file descriptor in batches: the first line into an
/// empty buffer wakes a writer thread, which waits a few milliseconds for more and then writes
/// them all at once, so a busy gateway makes one `write` (and its supervisor one relay) per batch
/// instead of one per request. Urgent lines (warning and above) are written at once, after any
/// batched ones, and the buffer is flushed at exit; a process killed outright can lose at most
/// the last few milliseconds of info lines.
final class LogSink: Sendable {
    static let standardError = LogSink(fd: 2)

    private struct State {
        var buffer: [UInt8] = []
        /// The writer has been woken and will take the buffer.
        var flushPending = false
    }

    private let fd: Int32
    private let state = Mutex(State())
    /// Held while a batch is written, so batches go out in the order they were taken.
    private let writing = Mutex(())
    private let wake = DispatchSemaphore(value: 0)
    private static let batchDelayMicros: UInt32 = 5_000
    private static let maxBuffered = 256 * 1024

    init(fd: Int32) {
        self.fd = fd
        let thread = Thread { [self] in
            while true {
                wake.wait()
                usleep(Self.batchDelayMicros)
                flush()
            }
        }
        thread.name = "log writer"
        thread.stackSize = 1 << 18
        thread.start()
        atexit { LogSink.standardError.flush() }
    }

    /// Queues `line` (which ends in a newline), or writes it now when `urgent`.
    func write(_ line: String, urgent: Bool) {
        var line = line
        let signal = line.withUTF8 { utf8 in
            state.withLock { s -> Bool in
                s.buffer.append(contentsOf: utf8)
                if urgent || s.flushPending || s.buffer.count >= Self.maxBuffered { return false }
                s.flushPending = true
                return true
            }
        }
        if urgent || !signal && state.withLock({ $0.buffer.count >= Self.maxBuffered }) {
            flush()
        } else if signal {
            wake.signal()
        }
    }

    /// Writes everything buffered.
    func flush() {
        writing.withLock { _ in
            let batch = state.withLock { s -> [UInt8] in
                s.flushPending = false
                let batch = s.buffer
                s.buffer = []
                return batch
            }
            var offset = 0
            while offset < batch.count {
                let n = batch.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n <= 0 { if errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }
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
