import Config
import Foundation
import HTTPTypes
import Identity

/// Where one proxied call goes: the service's origin, the audience its token names, and the
/// label its metrics carry.
struct ProxyTarget: Sendable, Equatable {
    /// `scheme://host[:port]` of the service; the call's own path and query follow it.
    let origin: String
    /// The `aud` of the service-auth token.
    let audience: String
    /// The metrics label: the audience.
    var label: String { audience }

    /// The upstream URL of a request for `pathAndQuery` (`/xrpc/<nsid>?…`).
    func url(pathAndQuery: String) -> String { origin + pathAndQuery }

    /// The origin of a service endpoint URL, or nil when it is not an absolute http(s) URL.
    /// Any path of the endpoint is dropped: the call's `/xrpc/…` path replaces it, as
    /// `new URL(path, endpoint)` does in the reference.
    static func origin(of url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else {
            return nil
        }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return url.port.map { "\(scheme)://\(bracketed):\($0)" } ?? "\(scheme)://\(bracketed)"
    }
}

/// Finds the target of a call: the `atproto-proxy` header's service, else the default route.
struct ProxyTargetResolver: Sendable {
    let resolver: DIDResolver
    let policy: UpstreamPolicy
    let appView: PDSConfig.AppViewConfig?
    let reportService: PDSConfig.AppViewConfig?

    /// The target of `nsid`, given the request's `atproto-proxy` header (nil when absent).
    func target(nsid: String, header: String?) async throws(XRPCError) -> ProxyTarget {
        if let header { return try await target(of: ProxyHeader(parsing: header)) }
        let configured: PDSConfig.AppViewConfig?
        switch ProxyRules.defaultRoute(nsid) {
        case .appView: configured = appView
        case .reportService: configured = reportService
        case .none: throw .methodNotImplemented(nsid)
        }
        // No AppView (or report service) configured: nothing to forward to.
        guard let configured, let origin = ProxyTarget.origin(of: configured.url) else { throw .methodNotImplemented(nsid) }
        return ProxyTarget(origin: origin, audience: configured.did)
    }

    /// The service a header names, from the DID's document.
    func target(of header: ProxyHeader) async throws(XRPCError) -> ProxyTarget {
        // The Bluesky app names the configured AppView this way on every call: no resolution
        // needed, as the reference.
        if let appView, header.did == appView.did, header.serviceID == "bsky_appview", let origin = ProxyTarget.origin(of: appView.url) {
            return ProxyTarget(origin: origin, audience: header.audience)
        }
        let doc: DIDDocument
        do { doc = try await resolver.resolve(header.did) } catch {
            switch error {
            case .notFound(let why), .unavailable(let why): throw .invalidRequest("could not resolve proxy did \(header.did): \(why)")
            }
        }
        guard let service = doc.services[header.serviceID] else {
            throw .invalidRequest("could not resolve proxy did service url: \(header.did) has no service #\(header.serviceID)")
        }
        guard let url = URL(string: service.endpoint), let origin = ProxyTarget.origin(of: url) else {
            throw .invalidRequest("proxy did service #\(header.serviceID) of \(header.did) has an invalid endpoint")
        }
        if let why = await policy.refusal(for: url) {
            throw .invalidRequest("proxy target #\(header.serviceID) of \(header.did) is not allowed: \(why)")
        }
        return ProxyTarget(origin: origin, audience: header.audience)
    }
}
