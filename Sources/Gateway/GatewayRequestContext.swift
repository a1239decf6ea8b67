import Hummingbird
import NIOCore

/// The gateway's request context: Hummingbird's basics plus the peer address, which the
/// per-IP rate limits need.
public struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer (a reverse proxy when one is in front; see `RateLimitScope.clientIP`).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
