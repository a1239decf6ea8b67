import Foundation
import Synchronization

/// Generates TIDs that strictly increase within this process.
///
/// The timestamp is the wall clock in microseconds; if the clock steps backwards or two calls
/// land in the same microsecond the previous timestamp is bumped by 1 µs, so ordering holds even
/// under contention. The clock id is chosen at random once per clock so separate processes
/// (or restarts within the same microsecond) are unlikely to collide.
public final class TIDClock: Sendable {
    /// A process-wide generator.
    public static let shared = TIDClock()

    /// The 10-bit clock id stamped into every TID from this clock.
    public let clockID: UInt16

    private let now: @Sendable () -> UInt64
    private let last = Mutex<UInt64>(0)

    /// - Parameters:
    ///   - clockID: fixed clock id (masked to 10 bits); random when nil.
    ///   - now: microsecond time source, injectable for tests.
    public init(clockID: UInt16? = nil, now: @escaping @Sendable () -> UInt64 = TIDClock.systemMicros) {
        self.clockID = (clockID ?? UInt16.random(in: 0...TID.maxClockID)) & TID.maxClockID
        self.now = now
    }

    /// The next TID: strictly greater than every TID this clock returned before.
    public func next() -> TID {
        let current = now()
        let micros = last.withLock { last -> UInt64 in
            let chosen = current > last ? current : last + 1
            last = chosen
            return chosen
        }
        return TID(timestampMicros: micros, clockID: clockID)
    }

    /// Wall-clock microseconds since the Unix epoch.
    @Sendable public static func systemMicros() -> UInt64 {
        UInt64(Date().timeIntervalSince1970 * 1_000_000)
    }
}
