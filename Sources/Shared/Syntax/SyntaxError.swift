/// A string failed one of the atproto syntax checks.
///
/// Errors are typed (`throws(SyntaxError)`) so callers can map them straight onto an XRPC
/// error response without string matching.
public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which kind of value was being parsed.
    public enum Kind: String, Sendable, Equatable {
        case did = "DID"
        case handle = "handle"
        case nsid = "NSID"
        case atURI = "AT-URI"
        case tid = "TID"
        case recordKey = "record key"
        case datetime = "datetime"
        case languageTag = "language tag"
        case cid = "CID"
        case atIdentifier = "at-identifier"
        case uri = "URI"
    }

    /// Longest input kept in an error; inputs can be kilobytes long and errors end up in logs.
    public static let maxInputLength = 80

    /// The kind of value that was rejected.
    public let kind: Kind
    /// The rejected input, truncated to `maxInputLength` characters (with a trailing `…`).
    public let input: String
    /// Why the input was rejected.
    public let message: String

    /// Creates an error, truncating `input` so huge strings are not copied around.
    public init(_ kind: Kind, input: String, message: String) {
        self.kind = kind
        if input.count > Self.maxInputLength {
            self.input = String(input.prefix(Self.maxInputLength)) + "…"
        } else {
            self.input = input
        }
        self.message = message
    }

    /// The XRPC error name this maps to: bad identifiers are always the client's fault.
    public var xrpcError: String { "InvalidRequest" }

    /// A human-readable message, e.g. `Invalid handle "jo_hn.test": …`.
    public var description: String {
        "Invalid \(kind.rawValue) \"\(input)\": \(message)"
    }
}
