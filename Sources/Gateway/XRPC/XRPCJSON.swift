import IPC
import IPLD
import NIOCore

/// JSON bodies as atproto data: requests parsed into data-model values (so records keep
/// their exact form) and responses written from them.
extension XRPCRequest {
    /// The body as a JSON object, or `InvalidRequest`.
    public func jsonObject() throws(XRPCError) -> DataMap {
        let value: DataValue
        do { value = try DataModelJSON.parse(Array(body.readableBytesView)) } catch {
            throw .invalidRequest("Invalid JSON body: \(error.message)")
        }
        guard case .map(let m) = value else { throw .invalidRequest("Request body must be a JSON object") }
        return m
    }
}

extension DataMap {
    /// A required string field, or `InvalidRequest` naming it.
    func string(_ key: String) throws(XRPCError) -> String {
        guard case .string(let s)? = self[key] else { throw .invalidRequest("Input must have the property \"\(key)\"") }
        return s
    }

    /// An optional string field; a present non-string is `InvalidRequest`.
    func optionalString(_ key: String) throws(XRPCError) -> String? {
        switch self[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw .invalidRequest("Input/\(key) must be a string")
        }
    }

    /// An optional boolean field.
    func optionalBool(_ key: String) throws(XRPCError) -> Bool? {
        switch self[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        default: throw .invalidRequest("Input/\(key) must be a boolean")
        }
    }
}

extension XRPCResponse {
    /// A JSON body written from a data-model value.
    static func json(value: DataValue) -> XRPCResponse {
        .json(preEncoded: ByteBuffer(bytes: DataModelJSON.serialize(value)))
    }

    /// An empty successful answer.
    static let empty = XRPCResponse.json(preEncoded: ByteBuffer(string: "{}"))
}

/// A JSON text from a service, embedded as a value (a record, a DID document).
func embeddedJSON(_ text: String?) -> DataValue {
    guard let text, let v = try? DataModelJSON.parse(text) else { return .null }
    return v
}

extension XRPCError {
    /// Whatever a handler caught, as the answer to send: XRPC errors as they are, IPC
    /// failures by their name and status, anything else a 500 without internals.
    init(any error: any Error) {
        switch error {
        case let e as XRPCError: self = e
        case let e as IPCError: self.init(e)
        default: self = .internalServerError()
        }
    }
}
