import Hummingbird
import HTTPTypes
import NIOCore
import Syntax

/// Routes every `/xrpc/<nsid>` request by NSID, before Hummingbird's path router sees it:
/// invalid NSID → 400, unknown method → 501, wrong verb → 405, then the body checks (content
/// type, size), then the handler. Anything else goes on down the middleware chain.
struct XRPCDispatcher<Context: RequestContext>: RouterMiddleware {
    let routes: XRPCRoutes
    /// Gateway-level endpoints under `/xrpc/` that are not NSIDs (`_health`).
    let special: [String: @Sendable (Request, Context) async throws -> Response]
    /// The rate limiter; nil when `PDS_RATE_LIMITS_ENABLED=false`.
    var limiter: RateLimiter? = nil
    /// The service proxy, for methods served elsewhere (nil: those answer 501).
    var proxy: ServiceProxy? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/xrpc/") else { return try await next(request, context) }
        let name = String(path.dropFirst("/xrpc/".count))
        if let endpoint = special[name] { return try await endpoint(request, context) }
        guard NSID.isValid(name) else { throw XRPCError.invalidRequest("invalid XRPC method name (NSID) in path: \(name)") }
        // Blob uploads and downloads stream their bodies instead of having them collected here.
        let streaming = routes.streamingMethod(name)
        let method = routes.method(name)
        let proxied = proxy.map { $0.handles(name, headers: request.headers, servedLocally: streaming != nil || method != nil) } ?? false
        guard proxied || streaming != nil || method != nil else { throw XRPCError.methodNotImplemented(name) }
        let proxy = proxy
        let run: @Sendable () async throws -> Response = {
            if proxied, let proxy { return try await proxy.serve(request, nsid: name) }
            if let streaming {
                try Self.checkVerb(request, expected: streaming.kind, name: name)
                return try await streaming.handler(request)
            }
            return try await serve(request, method!)
        }
        guard let limiter, !limiter.bypasses(request.headers) else { return try await run() }
        let peer = (context as? any RemoteAddressRequestContext)?.remoteAddress
        let scope = RateLimitScope(limiter: limiter, clientIP: ClientAddress.of(peer: peer, headers: request.headers))
        var response: Response
        do {
            response = try await RateLimitScope.$current.withValue(scope) {
                try await scope.consume([.global] + (RateLimit.perIPByMethod[name] ?? []), subject: scope.clientIP)
                return try await run()
            }
        } catch let error as XRPCError {
            // Error answers carry the limit figures too (a 429 above all).
            response = XRPCErrorMiddleware<Context>.response(for: error)
        }
        response.headers.append(contentsOf: scope.headers)
        return response
    }

    /// Checks the verb and body, then runs the method's handler.
    func serve(_ request: Request, _ method: XRPCMethod) async throws -> Response {
        try Self.checkVerb(request, expected: method.kind, name: method.nsid.string)
        let body = try await Self.readBody(request, for: method)
        let xrpcRequest = XRPCRequest(nsid: method.nsid, parameters: Self.parameters(request), headers: request.headers, body: body,
                                      method: request.method.rawValue, path: request.uri.path, host: request.head.authority)
        let response = try await method.handler(xrpcRequest)
        var headers = HTTPFields()
        headers[.contentType] = response.contentType
        return Response(status: response.status, headers: headers, body: .init(byteBuffer: response.body))
    }

    /// 405 unless the request uses the verb of the method's kind.
    static func checkVerb(_ request: Request, expected kind: XRPCMethod.Kind, name: String) throws(XRPCError) {
        guard request.method.rawValue == kind.httpMethod else {
            throw XRPCError(.methodNotAllowed, "MethodNotAllowed",
                            "Incorrect HTTP method (\(request.method.rawValue)) for \(name): expected \(kind.httpMethod)")
        }
    }

    /// Checks the content type and reads the body, refusing it as soon as it passes the limit.
    static func readBody(_ request: Request, for method: XRPCMethod) async throws(XRPCError) -> ByteBuffer {
        let limit = method.input.limit
        if case .none = method.input { return ByteBuffer() }
        let contentType = request.headers[.contentType]
        if case .json = method.input {
            guard let contentType else {
                throw .invalidRequest("Request encoding (Content-Type) required but not provided")
            }
            let essence = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard essence == "application/json" else {
                throw .invalidRequest("Wrong request encoding (Content-Type): \(contentType)")
            }
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw .payloadTooLarge(limit: limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw .payloadTooLarge(limit: limit)
        } catch {
            throw .invalidRequest("cannot read request body")
        }
    }

    static func parameters(_ request: Request) -> [String: [String]] {
        var parameters: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters {
            parameters[String(key), default: []].append(String(value))
        }
        return parameters
    }
}
