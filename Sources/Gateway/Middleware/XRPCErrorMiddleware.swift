import Hummingbird
import HTTPTypes
import Logging
import NIOCore

/// Turns anything a handler throws into the XRPC error shape, `{"error", "message"}` JSON with
/// the matching status, so no client ever sees Hummingbird's plain-text errors.
struct XRPCErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as XRPCError {
            return Self.response(for: error)
        } catch let error as HTTPError {
            return Self.response(for: Self.translate(error))
        } catch {
            context.logger.error("unhandled error: \(error)")
            return Self.response(for: .internalServerError())
        }
    }

    static func translate(_ error: HTTPError) -> XRPCError {
        switch error.status {
        case .notFound: XRPCError(.notFound, "NotFound", "Not Found")
        case .contentTooLarge: XRPCError(.contentTooLarge, "PayloadTooLarge", error.body ?? "request body too large")
        case .methodNotAllowed: XRPCError(.methodNotAllowed, "MethodNotAllowed", "Method Not Allowed")
        case .badRequest: .invalidRequest(error.body ?? "Bad Request")
        default: XRPCError(error.status, error.status.code >= 500 ? "InternalServerError" : "InvalidRequest",
                           error.body ?? error.status.reasonPhrase)
        }
    }

    static func response(for error: XRPCError) -> Response {
        var text = "{\"error\":"
        appendJSONString(error.error, to: &text)
        text += ",\"message\":"
        appendJSONString(error.message, to: &text)
        text += "}"
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if error.status == .methodNotAllowed { headers[.allow] = "GET, POST" }
        for (name, value) in error.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// JSON string escaping, so error messages quoting user input stay valid JSON.
    static func appendJSONString(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
