import Foundation
import IPC
import Synchronization

/// The in-memory counters behind every gateway's rate limits: fixed windows that start at a
/// key's first hit (as the reference PDS's in-memory limiter), so a client that used up its
/// points waits until that window ends.
///
/// In memory on purpose: limits are protection, not records; losing them when AuthService
/// restarts only gives clients a fresh window. A consume is a dictionary lookup under a lock.
public final class RateLimitTable: Sendable {
    struct Window {
        var started: Double
        var consumed: Int
        var windowSeconds: Int
        var ends: Double { started + Double(windowSeconds) }
    }

    private let windows = Mutex<(entries: [String: Window], consumesSinceSweep: Int)>(([:], 0))
    private let clock: @Sendable () -> Double
    /// Expired windows are dropped every this many consumes, so the table holds only live keys.
    static let sweepEvery = 10_000

    /// `clock` gives seconds since 1970 (tests move it by hand).
    public init(clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.clock = clock
    }

    /// Charges every bucket and reports where each stands. Points are charged even past the
    /// limit, as the reference does: hammering does not earn a client anything.
    public func consume(_ buckets: [RateLimitTypes.Bucket]) -> [RateLimitTypes.Status] {
        let now = clock()
        return windows.withLock { state in
            state.consumesSinceSweep += 1
            if state.consumesSinceSweep >= Self.sweepEvery {
                state.consumesSinceSweep = 0
                state.entries = state.entries.filter { $0.value.ends > now }
            }
            return buckets.map { bucket in
                // The window length is part of the key so "30 per 5 min" and "300 per day" on the
                // same subject never share a counter.
                let key = "\(bucket.key)/\(bucket.windowSeconds)"
                var window = state.entries[key] ?? Window(started: now, consumed: 0, windowSeconds: bucket.windowSeconds)
                if window.ends <= now { window = Window(started: now, consumed: 0, windowSeconds: bucket.windowSeconds) }
                window.consumed += max(0, bucket.points)
                state.entries[key] = window
                return RateLimitTypes.Status(limit: bucket.limit, remaining: max(0, bucket.limit - window.consumed),
                                             resetAt: Int(window.ends.rounded(.up)), windowSeconds: bucket.windowSeconds,
                                             exceeded: window.consumed > bucket.limit)
            }
        }
    }

    /// Live keys (for tests and `_health`-style figures).
    public var count: Int { windows.withLock { $0.entries.count } }
}
