/// Common shape of every validated string type in this module.
///
/// Conforming types are stored as their (validated) string and encode as a single JSON string;
/// decoding runs the same validation as `init(_:)`, so an invalid value can never be decoded.
public protocol SyntaxValue: Hashable, Sendable, CustomStringConvertible, Codable {
    /// Parses and validates `string`.
    init(_ string: String) throws(SyntaxError)
    /// The canonical string form of the value.
    var string: String { get }
}

extension SyntaxValue {
    public var description: String { string }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do {
            try self.init(raw)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
