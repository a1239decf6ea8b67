import Foundation

/// One method of a service: its wire name and its request and response types.
///
/// Declared once (as a static constant next to the service's protocol) and used by both the
/// client, which encodes `Request` and decodes `Response`, and the server, which does the reverse,
/// so the two ends cannot disagree about a name or a type.
public struct RPCMethod<Request: Codable & Sendable, Response: Codable & Sendable>: Sendable {
    /// The name in the envelope, e.g. "ping" or "applyWrites".
    public let name: String

    public init(_ name: String) { self.name = name }

    func encode(request: Request) throws(IPCError) -> [UInt8] { try RPCCodec.encode(request) }
    func decode(request bytes: [UInt8]) throws(IPCError) -> Request { try RPCCodec.decode(Request.self, from: bytes) }
    func encode(response: Response) throws(IPCError) -> [UInt8] { try RPCCodec.encode(response) }
    func decode(response bytes: [UInt8]) throws(IPCError) -> Response { try RPCCodec.decode(Response.self, from: bytes) }
}

/// An empty request or response, for methods that take or return nothing.
public struct Empty: Codable, Sendable, Equatable {
    public init() {}
}

/// JSON bodies for envelopes. JSON keeps the wire readable in captures and needs nothing beyond
/// Foundation; methods that move bulk bytes (CAR files, blobs) carry them as base64 `Data`.
enum RPCCodec {
    static func encode<T: Encodable>(_ value: T) throws(IPCError) -> [UInt8] {
        do {
            if let bulk = value as? any RPCBulkBody { return try bulk.encodeBulk() }
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw IPCError.malformed("cannot encode \(T.self): \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(IPCError) -> T {
        do {
            if let bulk = T.self as? any RPCBulkBody.Type, let value = try bulk.decodeBulk(bytes) as? T { return value }
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw IPCError.malformed("cannot decode \(T.self): \(error)")
        }
    }
}
