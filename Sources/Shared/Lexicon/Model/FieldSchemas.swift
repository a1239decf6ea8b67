/// Constraints of a `string` field. Lengths are in UTF-8 bytes, graphemes in extended
/// grapheme clusters (Swift `Character`s). `knownValues` documents, it never restricts.
public struct StringSchema: Sendable, Hashable {
    public var format: StringFormat?
    public var minLength: Int?
    public var maxLength: Int?
    public var minGraphemes: Int?
    public var maxGraphemes: Int?
    public var enumValues: [String]?
    public var knownValues: [String]?
    public var const: String?
    public var defaultValue: String?

    public init(format: StringFormat? = nil, minLength: Int? = nil, maxLength: Int? = nil,
                minGraphemes: Int? = nil, maxGraphemes: Int? = nil, enumValues: [String]? = nil,
                knownValues: [String]? = nil, const: String? = nil, defaultValue: String? = nil) {
        self.format = format
        self.minLength = minLength
        self.maxLength = maxLength
        self.minGraphemes = minGraphemes
        self.maxGraphemes = maxGraphemes
        self.enumValues = enumValues
        self.knownValues = knownValues
        self.const = const
        self.defaultValue = defaultValue
    }
}

/// Constraints of an `integer` field (signed 64-bit, as the data model has it).
public struct IntegerSchema: Sendable, Hashable {
    public var minimum: Int64?
    public var maximum: Int64?
    public var enumValues: [Int64]?
    public var const: Int64?
    public var defaultValue: Int64?

    public init(minimum: Int64? = nil, maximum: Int64? = nil, enumValues: [Int64]? = nil,
                const: Int64? = nil, defaultValue: Int64? = nil) {
        self.minimum = minimum
        self.maximum = maximum
        self.enumValues = enumValues
        self.const = const
        self.defaultValue = defaultValue
    }
}

/// Constraints of a `boolean` field.
public struct BooleanSchema: Sendable, Hashable {
    public var const: Bool?
    public var defaultValue: Bool?

    public init(const: Bool? = nil, defaultValue: Bool? = nil) {
        self.const = const
        self.defaultValue = defaultValue
    }
}

/// Constraints of a `bytes` field, in bytes.
public struct BytesSchema: Sendable, Hashable {
    public var minLength: Int?
    public var maxLength: Int?

    public init(minLength: Int? = nil, maxLength: Int? = nil) {
        self.minLength = minLength
        self.maxLength = maxLength
    }
}

/// Constraints of a `blob` field: accepted MIME types (`image/*` and `*/*` patterns allowed)
/// and the largest size in bytes.
public struct BlobSchema: Sendable, Hashable {
    public var accept: [String]?
    public var maxSize: Int64?

    public init(accept: [String]? = nil, maxSize: Int64? = nil) {
        self.accept = accept
        self.maxSize = maxSize
    }
}

/// An `array` field: the schema of its items and bounds on the element count.
public struct ArraySchema: Sendable, Hashable {
    public var items: LexiconType
    public var minLength: Int?
    public var maxLength: Int?

    public init(items: LexiconType, minLength: Int? = nil, maxLength: Int? = nil) {
        self.items = items
        self.minLength = minLength
        self.maxLength = maxLength
    }
}

/// An `object`: named properties, which of them must be present, and which may be `null`.
/// Fields not named in `properties` are allowed and not checked.
public struct ObjectSchema: Sendable, Hashable {
    public var properties: [String: LexiconType]
    /// In document order, so the first missing field reported is stable.
    public var required: [String]
    public var nullable: [String]

    public init(properties: [String: LexiconType] = [:], required: [String] = [], nullable: [String] = []) {
        self.properties = properties
        self.required = required
        self.nullable = nullable
    }
}

/// A `union`: the value is an object whose `$type` names one of `refs`. An open union
/// (the default) also accepts objects of other types, unchecked; a closed one refuses them.
public struct UnionSchema: Sendable, Hashable {
    /// Fully qualified references (`nsid` for a main def, `nsid#name` otherwise).
    public var refs: [String]
    public var closed: Bool

    public init(refs: [String], closed: Bool = false) {
        self.refs = refs
        self.closed = closed
    }
}
