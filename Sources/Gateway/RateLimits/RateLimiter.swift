import HTTPTypes
import IPC
import Logging

/// Enforces the rate limits with the counters AuthService keeps for every gateway.
///
/// One IPC call per request carries every limit that request is charged against. If
/// AuthService cannot answer in time the request goes through: a limiter outage must not take
/// the whole PDS down, and authenticated calls need AuthService anyway.
public final class RateLimiter: Sendable {
    let auth: any AuthServiceAPI
    /// The `x-ratelimit-bypass` value that skips every limit (bulk imports), if configured.
    let bypassKey: String?
    let logger = Logger(label: "pdswift.ratelimit")

    public init(auth: any AuthServiceAPI, bypassKey: String?) {
        self.auth = auth
        self.bypassKey = bypassKey.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether a request carries the bypass key (compared in constant time).
    func bypasses(_ headers: HTTPFields) -> Bool {
        guard let bypassKey, let given = headers[HTTPField.Name("x-ratelimit-bypass")!] else { return false }
        let a = Array(given.utf8), b = Array(bypassKey.utf8)
        var diff = a.count ^ b.count
        for i in 0..<min(a.count, b.count) { diff |= Int(a[i] ^ b[i]) }
        return diff == 0
    }

    /// Charges `buckets`; nil when AuthService did not answer.
    func consume(_ buckets: [RateLimitTypes.Bucket]) async -> RateLimitTypes.ConsumeResponse? {
        do { return try await auth.consumeRateLimit(.init(buckets: buckets)) } catch {
            logger.warning("rate limits not checked: \(error)")
            return nil
        }
    }
}
