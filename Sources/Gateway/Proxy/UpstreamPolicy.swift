import Foundation
import Identity
import Synchronization

/// Which upstream URLs the proxy may contact. A DID document is written by whoever controls
/// the DID, so a service endpoint (or a did:web host) could point at this host or its private
/// network; outside development mode only `https` URLs on public addresses are reached
/// (server-side request forgery). Redirects are never followed (the client refuses them).
/// Operator-configured services (`PDS_BSKY_APP_VIEW_URL`, `PDS_REPORT_SERVICE_URL`) are
/// trusted as configured and not checked here.
final class UpstreamPolicy: Sendable {
    let devMode: Bool
    private let lookup: @Sendable (String) -> [String]
    /// Host → (public?, until): a host's verdict is kept for a minute so a busy proxy does not
    /// ask DNS on every call.
    private let verdicts = Mutex<[String: (allowed: Bool, until: ContinuousClock.Instant)]>([:])

    init(devMode: Bool, lookup: @escaping @Sendable (String) -> [String] = AddressPolicy.lookup) {
        self.devMode = devMode
        self.lookup = lookup
    }

    /// Checks `url`, answering why it is refused (nil when allowed).
    func refusal(for url: URL) async -> String? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "not an absolute URL: \(url.absoluteString)"
        }
        if devMode { return scheme == "https" || scheme == "http" ? nil : "unsupported URL scheme \(scheme)" }
        guard scheme == "https" else { return "only https service endpoints are allowed (got \(url.absoluteString))" }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let now = ContinuousClock.now
        if let hit = verdicts.withLock({ $0[bare] }), hit.until > now {
            return hit.allowed ? nil : "\(host) is not a public address"
        }
        let addresses = await Self.resolve(bare, lookup)
        let allowed = !addresses.isEmpty && !addresses.contains(where: AddressPolicy.isNonPublic)
        verdicts.withLock {
            if $0.count > 10_000 { $0.removeAll() }
            $0[bare] = (allowed, now + .seconds(60))
        }
        if addresses.isEmpty { return "\(host) does not resolve" }
        return allowed ? nil : "\(host) is not a public address"
    }

    /// getaddrinfo blocks: run it on a thread of its own, not the cooperative pool.
    private static func resolve(_ host: String, _ lookup: @escaping @Sendable (String) -> [String]) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: lookup(host)) }
        }
    }
}
