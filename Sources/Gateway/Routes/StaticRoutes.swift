import Hummingbird
import NIOCore

/// The plain routes outside XRPC: `/`, `/robots.txt` and `/metrics`.
enum StaticRoutes {
    /// Like the reference PDS's banner: what this server is and where its source lives.
    static let banner = """
    This is an AT Protocol Personal Data Server (aka, an atproto PDS), running PDSwift.

    Most API routes are under /xrpc/

    """

    static let robots = """
    # Hello!

    # Crawling the public API is allowed
    User-agent: *
    Allow: /

    """

    /// `beforeScrape` refreshes figures that live in other services (backup alerts) so a
    /// scrape sees them current.
    static func register<Context: RequestContext>(on router: Router<Context>, metrics: GatewayMetrics,
                                                  beforeScrape: @escaping @Sendable () async -> Void = {}) {
        router.get("/") { _, _ in text(banner) }
        router.get("/robots.txt") { _, _ in text(robots) }
        router.get("/metrics") { _, _ in
            await beforeScrape()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }

    static func text(_ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
