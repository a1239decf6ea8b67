import Foundation
import HTTPTypes
import NIOCore
import Syntax

/// What an XRPC handler sees of a request: the NSID, query parameters, headers and the
/// already-checked body.
public struct XRPCRequest: Sendable {
    public let nsid: NSID
    /// Query parameters; a parameter may repeat (array parameters).
    public let parameters: [String: [String]]
    public let headers: HTTPFields
    /// The body, read up to the method's limit (empty for queries).
    public let body: ByteBuffer
    /// The HTTP method and path, which a DPoP proof signs (`htm`, `htu`).
    public let method: String
    public let path: String
    public let host: String?

    public init(nsid: NSID, parameters: [String: [String]], headers: HTTPFields, body: ByteBuffer,
                method: String = "GET", path: String? = nil, host: String? = nil) {
        self.host = host
        self.nsid = nsid
        self.parameters = parameters
        self.headers = headers
        self.body = body
        self.method = method
        self.path = path ?? "/xrpc/\(nsid.string)"
    }

    /// What the authenticator needs of the request.
    public var authenticated: AuthenticatedRequest { AuthenticatedRequest(headers: headers, method: method, path: path, host: host) }

    /// The single value of parameter `name`, if present.
    public func parameter(_ name: String) -> String? { parameters[name]?.first }

    /// A required parameter, or an InvalidRequest naming it.
    public func requiredParameter(_ name: String) throws(XRPCError) -> String {
        guard let value = parameter(name), !value.isEmpty else { throw .invalidRequest("Error: Params must have the property \"\(name)\"") }
        return value
    }

    /// Decodes the JSON body as `T`; a body that is not valid JSON, or not of that shape, is an
    /// InvalidRequest.
    public func decodeJSON<T: Decodable>(_ type: T.Type) throws(XRPCError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch DecodingError.dataCorrupted {
            throw .invalidRequest("Invalid JSON body")
        } catch {
            throw .invalidRequest("Input does not match the schema of \(nsid.string): \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _): "missing property \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "wrong type at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        default: "\(error)"
        }
    }
}

/// What an XRPC handler answers with on success.
public struct XRPCResponse: Sendable {
    public var status: HTTPResponse.Status
    public var contentType: String
    public var body: ByteBuffer

    public init(status: HTTPResponse.Status = .ok, contentType: String, body: ByteBuffer) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A JSON body; dates as ISO 8601 strings, as every time in XRPC.
    public static func json<T: Encodable>(_ value: T) throws(XRPCError) -> XRPCResponse {
        do {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            let data = try encoder.encode(value)
            return XRPCResponse(contentType: "application/json; charset=utf-8", body: ByteBuffer(bytes: data))
        } catch {
            throw .internalServerError("cannot encode response")
        }
    }

    /// A JSON body encoded once in advance (describeServer and other constant answers).
    public static func json(preEncoded body: ByteBuffer) -> XRPCResponse {
        XRPCResponse(contentType: "application/json; charset=utf-8", body: body)
    }
}
