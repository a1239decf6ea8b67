/// A value of the atproto data model: the IPLD subset that DAG-CBOR and the JSON form share.
///
/// No floats: atproto refuses them. Integers are signed 64-bit.
public enum DataValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case bytes([UInt8])
    case link(CID)
    case array([DataValue])
    case map(DataMap)

    /// The string, if this is one.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The integer, if this is one.
    public var intValue: Int64? { if case .int(let i) = self { return i } else { return nil } }
    /// The boolean, if this is one.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The bytes, if this is a byte string.
    public var bytesValue: [UInt8]? { if case .bytes(let b) = self { return b } else { return nil } }
    /// The CID, if this is a link.
    public var linkValue: CID? { if case .link(let c) = self { return c } else { return nil } }
    /// The elements, if this is an array.
    public var arrayValue: [DataValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// The map, if this is one.
    public var mapValue: DataMap? { if case .map(let m) = self { return m } else { return nil } }
    /// True for `.null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// Looks a key up when this is a map.
    public subscript(key: String) -> DataValue? { mapValue?[key] }
}

extension DataValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: DataValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, DataValue)...) {
        self = .map(DataMap(elements.map { ($0.0, $0.1) }))
    }
    public init(nilLiteral: ()) { self = .null }
}
