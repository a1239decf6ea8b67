/// An error decoding or validating atproto data (DAG-CBOR, JSON, CIDs, CARs).
///
/// Every case maps to the XRPC error `InvalidRequest`: it always means the input was bad.
public struct IPLDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of input was refused.
    public enum Kind: String, Sendable {
        case cbor, json, cid, car, varint, dataModel
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The XRPC error name this maps to.
    public var xrpcError: String { "InvalidRequest" }

    public var description: String { "\(kind.rawValue): \(message)" }
}
