import AsyncHTTPClient
import Config
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP client of the service proxy and the DID-document fetches: one connection pool
/// on the gateway's event loops, no redirects (a redirect to a private address would get
/// round the `UpstreamPolicy`), no decompression (bodies pass through as the upstream
/// encoded them), and every failure named as the XRPC error the client sees.
final class UpstreamClient: Sendable {
    let http: HTTPClient
    let limits: PDSConfig.ProxyLimits

    init(limits: PDSConfig.ProxyLimits) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .milliseconds(Int64(limits.bodyTimeoutMilliseconds))),
            decompression: .disabled)
        // A proxied app makes many calls at once; 8 connections per host (the default) would queue them.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 128
        configuration.connectionPool.idleTimeout = .seconds(60)
        http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        self.limits = limits
    }

    /// Sends `request`, answering once the status and headers have arrived, within the
    /// headers timeout (or `timeout`).
    func execute(_ request: HTTPClientRequest, timeout: Duration? = nil) async throws(XRPCError) -> HTTPClientResponse {
        let wait = timeout ?? .milliseconds(limits.headersTimeoutMilliseconds)
        do {
            return try await http.execute(request, timeout: TimeAmount(wait))
        } catch {
            throw Self.failure(error, url: request.url)
        }
    }

    /// Reads a whole body of at most `limit` bytes, within the body timeout from `started`.
    func collect(_ response: HTTPClientResponse, limit: Int, started: ContinuousClock.Instant = .now) async throws(XRPCError) -> ByteBuffer {
        if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > limit {
            throw Self.tooLarge(limit)
        }
        let deadline = started + .milliseconds(limits.bodyTimeoutMilliseconds)
        var buffer = ByteBuffer()
        do {
            for try await var piece in response.body {
                guard buffer.readableBytes + piece.readableBytes <= limit else { throw Self.tooLarge(limit) }
                buffer.writeBuffer(&piece)
                if ContinuousClock.now > deadline { throw Self.bodyTimeout }
            }
        } catch let error as XRPCError {
            throw error
        } catch {
            throw Self.failure(error, url: "")
        }
        return buffer
    }

    /// Closes the pool.
    func shutdown() async {
        try? await http.shutdown()
    }

    /// 502: the answer passed the size limit.
    static func tooLarge(_ limit: Int) -> XRPCError {
        XRPCError(.badGateway, "UpstreamFailure", "upstream response is larger than \(limit) bytes")
    }

    /// 504: the body did not arrive in time.
    static let bodyTimeout = XRPCError(.gatewayTimeout, "UpstreamTimeout", "upstream body timed out")

    /// 504 for a timeout, 502 for anything else that kept the call from completing.
    static func failure(_ error: any Error, url: String) -> XRPCError {
        let target = url.isEmpty ? "upstream" : "upstream \(Self.origin(url))"
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout: return XRPCError(.gatewayTimeout, "UpstreamTimeout", "\(target) timed out")
            case .connectTimeout: return XRPCError(.badGateway, "UpstreamFailure", "\(target) unreachable: connect timed out")
            default: return XRPCError(.badGateway, "UpstreamFailure", "\(target) failed: \(e)")
            }
        }
        if error is CancellationError { return XRPCError(.badGateway, "UpstreamFailure", "\(target) call cancelled") }
        return XRPCError(.badGateway, "UpstreamFailure", "\(target) unreachable: \(error)")
    }

    /// `https://host:port` of a URL, for messages (no path or query, which may carry user data).
    static func origin(_ url: String) -> String {
        guard let u = URL(string: url), let scheme = u.scheme, let host = u.host else { return "service" }
        return u.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }
}
