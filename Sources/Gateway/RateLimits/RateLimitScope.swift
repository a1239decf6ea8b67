import HTTPTypes
import IPC
import Synchronization

/// The rate-limit state of one request: who the client is, and the tightest limit seen so far
/// (its figures go in the `RateLimit-*` headers of the response, success or error).
public final class RateLimitScope: Sendable {
    let limiter: RateLimiter
    let clientIP: String
    private let tightest = Mutex<RateLimitTypes.Status?>(nil)

    init(limiter: RateLimiter, clientIP: String) {
        self.limiter = limiter
        self.clientIP = clientIP
    }

    /// The scope of the request being handled; nil when limits are off or bypassed.
    @TaskLocal public static var current: RateLimitScope?

    /// Charges `points` against each of `limits` for `subject`; `RateLimitExceeded` (429) when
    /// one is used up.
    func consume(_ limits: [RateLimit], subject: String, points: Int = 1) async throws(XRPCError) {
        let buckets = limits.map {
            RateLimitTypes.Bucket(key: "\($0.name):\(subject)", limit: $0.limit, windowSeconds: $0.windowSeconds, points: points)
        }
        guard !buckets.isEmpty, let answer = await limiter.consume(buckets), let status = answer.tightest else { return }
        tightest.withLock { current in
            if let c = current, c.exceeded || (!status.exceeded && c.remaining <= status.remaining) { return }
            current = status
        }
        if status.exceeded { throw XRPCError(.tooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded") }
    }

    /// `RateLimit-Limit`, `-Remaining`, `-Reset` (seconds since 1970) and `-Policy`
    /// (`<limit>;w=<window seconds>`), as the reference PDS sends them.
    var headers: HTTPFields {
        var fields = HTTPFields()
        guard let s = tightest.withLock({ $0 }) else { return fields }
        fields[HTTPField.Name("RateLimit-Limit")!] = String(s.limit)
        fields[HTTPField.Name("RateLimit-Remaining")!] = String(s.remaining)
        fields[HTTPField.Name("RateLimit-Reset")!] = String(s.resetAt)
        fields[HTTPField.Name("RateLimit-Policy")!] = "\(s.limit);w=\(s.windowSeconds)"
        return fields
    }
}

/// What route handlers call: charges the current request's limits, if any are on.
public enum RateLimits {
    /// Charges `limits` for `subject` (an identifier, a DID).
    public static func consume(_ limits: [RateLimit], subject: String, points: Int = 1) async throws(XRPCError) {
        try await RateLimitScope.current?.consume(limits, subject: subject, points: points)
    }

    /// Charges `limits` for the client's IP address.
    public static func consumeForClient(_ limits: [RateLimit], points: Int = 1) async throws(XRPCError) {
        guard let scope = RateLimitScope.current else { return }
        try await scope.consume(limits, subject: scope.clientIP, points: points)
    }
}
