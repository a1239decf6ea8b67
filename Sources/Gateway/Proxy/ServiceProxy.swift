import AsyncHTTPClient
import Config
import Foundation
import HTTPTypes
import Hummingbird
import IPC
import NIOCore
import NIOHTTP1

/// The service proxy: forwards an XRPC call this PDS does not serve itself to the service
/// the `atproto-proxy` header names (or the default route: `app.bsky.*` to the AppView,
/// `createReport` to the report service), authorised with a service-auth JWT signed by the
/// account's repo key inside RepoService, and streams the answer back.
///
/// The user's own access token never leaves the PDS; the request body and the answer are
/// streamed, not held; upstream time and size are bounded (`PDS_PROXY_*`). The few methods
/// whose answer is merged with the user's newest records are in `ReadAfterWrite`.
public final class ServiceProxy: Sendable {
    let client: UpstreamClient
    let targets: ProxyTargetResolver
    let auth: Authenticator
    let repo: RepoServiceClient
    let metrics: ProxyMetrics
    let readAfterWrite: ReadAfterWrite
    let tokens: ServiceTokenPool

    /// Request headers passed on (besides the body's own and the service auth), as the reference.
    static let forwardedRequestHeaders = ["accept-language", "atproto-accept-labelers", "x-bsky-topics"]
    /// Response headers passed back. Hop-by-hop headers (connection, keep-alive,
    /// transfer-encoding, …) and anything else the upstream sets stay behind.
    static let forwardedResponseHeaders = ["content-type", "content-language", "content-encoding", "atproto-repo-rev",
                                           "atproto-content-labelers", "retry-after", "cache-control", "etag", "last-modified",
                                           "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy"]

    init(client: UpstreamClient, targets: ProxyTargetResolver, auth: Authenticator, repo: RepoServiceClient,
         metrics: ProxyMetrics, readAfterWrite: ReadAfterWrite) {
        self.client = client
        self.targets = targets
        self.auth = auth
        self.repo = repo
        self.metrics = metrics
        self.readAfterWrite = readAfterWrite
        tokens = ServiceTokenPool { did, aud, lxm, exp, count throws(IPCError) in
            try await repo.signServiceAuth(.init(did: did, aud: aud, lxm: lxm, exp: exp, count: count))
        }
    }

    /// The proxy for a gateway configured with `config`.
    public convenience init(config: PDSConfig, services: ServiceConnections, auth: Authenticator, metrics: GatewayMetrics) {
        let client = UpstreamClient(limits: config.proxy)
        let policy = UpstreamPolicy(devMode: config.devMode)
        let resolver = DIDResolver(client: client, plcDirectory: config.didPLCURL, policy: policy)
        self.init(client: client,
                  targets: ProxyTargetResolver(resolver: resolver, policy: policy, appView: config.appView, reportService: config.reportService),
                  auth: auth, repo: services.repo, metrics: ProxyMetrics(metrics: metrics),
                  readAfterWrite: ReadAfterWrite(repo: services.repo, auth: services.auth, publicURL: config.publicURL,
                                                 cdnPattern: config.appViewCDNURLPattern))
    }

    /// Whether the dispatcher hands `nsid` to the proxy: never a method of the PDS's own
    /// namespaces; any other with an `atproto-proxy` header; without one, a method not served
    /// here that has a default route (so `chat.bsky.*` needs the header, and anything else
    /// unknown stays a 501).
    func handles(_ nsid: String, headers: HTTPFields, servedLocally: Bool) -> Bool {
        if ProxyRules.isLocal(nsid) { return false }
        if headers[Self.proxyHeader] != nil { return true }
        return !servedLocally && ProxyRules.defaultRoute(nsid) != .none
    }

    static let proxyHeader = HTTPField.Name(ProxyHeader.name)!
    static let repoRevHeader = HTTPField.Name("atproto-repo-rev")!

    /// Forwards one call and answers with the upstream's answer.
    func serve(_ request: Request, nsid: String) async throws -> Response {
        guard request.method == .get || request.method == .post || request.method == .head else {
            throw XRPCError.invalidRequest("XRPC requests only supports GET and POST")
        }
        if ProxyRules.isProtected(nsid) { throw Self.badTokenMethod }
        let who = try await auth.account(AuthenticatedRequest(request))
        if who.oauthScope == nil { guard ProxyRules.allows(nsid, scope: who.scope) else { throw Self.badTokenMethod } }
        let target = try await targets.target(nsid: nsid, header: request.headers[Self.proxyHeader])
        // An OAuth grant names the services and methods it may reach (`rpc:` scopes).
        try auth.require(.rpc(lxm: nsid, aud: target.audience), of: who)
        do {
            let response = try await forward(request, nsid: nsid, did: who.did, target: target)
            metrics.record(target: target.label, status: Int(response.status.code))
            return response
        } catch let error as XRPCError {
            metrics.record(target: target.label, status: Int(error.status.code))
            throw error
        }
    }

    /// 400 InvalidToken: the session may not reach this method through the proxy.
    static let badTokenMethod = XRPCError(.badRequest, "InvalidToken", "Bad token method")

    private func forward(_ request: Request, nsid: String, did: String, target: ProxyTarget) async throws -> Response {
        let munges = readAfterWrite.applies(to: nsid) && request.method == .get
        // Read-after-write compares the AppView's rev with the repo's at the start of the call,
        // which a freshly signed token brings along; other methods take a pooled one.
        let issued: ServiceTokenPool.Issued
        do { issued = try await tokens.token(did: did, aud: target.audience, lxm: nsid, fresh: munges) } catch { throw XRPCError(any: error) }
        let token = issued.token
        var upstream = HTTPClientRequest(url: target.url(pathAndQuery: Self.pathAndQuery(request)))
        upstream.method = request.method == .post ? .POST : (request.method == .head ? .HEAD : .GET)
        upstream.headers = Self.upstreamHeaders(request.headers, token: token, identityEncoding: munges)
        if request.method == .post {
            let length = request.headers[.contentLength].flatMap(Int.init)
            upstream.body = .stream(request.body, length: length.map { .known(Int64($0)) } ?? .unknown)
        }
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        do { response = try await client.execute(upstream) } catch {
            metrics.recordUpstream(target: target.label, duration: ContinuousClock.now - started)
            throw error
        }
        metrics.recordUpstream(target: target.label, duration: ContinuousClock.now - started)
        var headers = Self.downstreamHeaders(response.headers)
        let limit = client.limits.maxResponseBytes
        if munges && (response.status == .ok || response.status == .badRequest) {
            let body = try await client.collect(response, limit: limit, started: started)
            let merged = await readAfterWrite.merge(nsid: nsid, did: did, status: HTTPResponse.Status(code: Int(response.status.code)),
                                                    parameters: XRPCDispatcher<BasicRequestContext>.parameters(request),
                                                    upstreamRev: response.headers.first(name: "atproto-repo-rev"), localRev: issued.rev,
                                                    body: body)
            if let lag = merged.lag { headers[HTTPField.Name("atproto-upstream-lag")!] = String(lag) }
            headers[.contentLength] = String(merged.body.readableBytes)
            return Response(status: merged.status, headers: headers, body: .init(byteBuffer: merged.body))
        }
        let declared = response.headers.first(name: "content-length").flatMap(Int.init)
        if let declared, declared > limit { throw UpstreamClient.tooLarge(limit) }
        if let declared { headers[.contentLength] = String(declared) }
        let deadline = started + .milliseconds(client.limits.bodyTimeoutMilliseconds)
        let body = response.body
        return Response(status: HTTPResponse.Status(code: Int(response.status.code)), headers: headers, body: ResponseBody { writer in
            var total = 0
            // Past the limit or the deadline mid-stream the connection is cut: the status has gone out.
            for try await piece in body {
                total += piece.readableBytes
                guard total <= limit else { throw UpstreamClient.tooLarge(limit) }
                guard ContinuousClock.now <= deadline else { throw UpstreamClient.bodyTimeout }
                try await writer.write(piece)
            }
            try await writer.finish(nil)
        })
    }

    /// The request's path and query, as the upstream gets them.
    static func pathAndQuery(_ request: Request) -> String {
        let query = request.uri.query.map { "?" + $0 } ?? ""
        return request.uri.path + query
    }

    /// What the upstream is sent: the forwarded headers, the body's own, the service auth.
    static func upstreamHeaders(_ incoming: HTTPFields, token: String, identityEncoding: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for name in forwardedRequestHeaders {
            if let field = HTTPField.Name(name), let value = incoming[field] { headers.add(name: name, value: value) }
        }
        // Read-after-write must parse the answer, so it asks for it uncompressed.
        headers.add(name: "accept-encoding", value: identityEncoding ? "identity" : (incoming[.acceptEncoding] ?? "identity"))
        for field in [HTTPField.Name.contentType, .contentEncoding] {
            if let value = incoming[field] { headers.add(name: field.rawName, value: value) }
        }
        headers.add(name: "authorization", value: "Bearer \(token)")
        return headers
    }

    /// What the client is sent back of the upstream's headers.
    static func downstreamHeaders(_ upstream: HTTPHeaders) -> HTTPFields {
        var headers = HTTPFields()
        for name in forwardedResponseHeaders {
            guard let field = HTTPField.Name(name) else { continue }
            for value in upstream[name] { headers.append(HTTPField(name: field, value: value)) }
        }
        return headers
    }

    /// Closes the upstream connections.
    public func shutdown() async { await client.shutdown() }
}
