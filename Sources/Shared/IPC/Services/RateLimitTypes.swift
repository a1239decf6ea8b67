import Foundation

/// Request and response types of the AuthService's shared rate-limit counters.
///
/// Counters live in one service so that several gateway processes enforce the same limits.
/// A request consumes every bucket that applies to it in one call (one IPC round trip).
public enum RateLimitTypes {
    /// One counter to charge: `points` against `limit` per `windowSeconds`, under `key`.
    public struct Bucket: Codable, Sendable, Equatable {
        /// Names the limit and its subject, e.g. `global:203.0.113.7` or `repo-write-hour:did:plc:…`.
        public var key: String
        public var limit: Int
        public var windowSeconds: Int
        public var points: Int
        public init(key: String, limit: Int, windowSeconds: Int, points: Int) {
            self.key = key; self.limit = limit; self.windowSeconds = windowSeconds; self.points = points
        }
    }

    /// The input of a consume call.
    public struct ConsumeRequest: Codable, Sendable {
        public var buckets: [Bucket]
        public init(buckets: [Bucket]) { self.buckets = buckets }
    }

    /// Where one counter stands after a consume.
    public struct Status: Codable, Sendable, Equatable {
        public var limit: Int
        public var remaining: Int
        /// When the window ends, in seconds since 1970 (the `RateLimit-Reset` header).
        public var resetAt: Int
        public var windowSeconds: Int
        /// Whether this consume went past the limit.
        public var exceeded: Bool
        public init(limit: Int, remaining: Int, resetAt: Int, windowSeconds: Int, exceeded: Bool) {
            self.limit = limit; self.remaining = remaining; self.resetAt = resetAt; self.windowSeconds = windowSeconds; self.exceeded = exceeded
        }
    }

    /// One status per bucket, in the order asked.
    public struct ConsumeResponse: Codable, Sendable {
        public var statuses: [Status]
        public init(statuses: [Status]) { self.statuses = statuses }

        /// The status a response reports: an exceeded limit if any, else the one with the
        /// fewest points left (as the reference PDS reports its tightest limit).
        public var tightest: Status? {
            statuses.first(where: \.exceeded) ?? statuses.min { $0.remaining < $1.remaining }
        }
    }
}
