extension LexiconType {
    /// A `string` schema; lengths in UTF-8 bytes, graphemes in grapheme clusters.
    public static func string(format: StringFormat? = nil, minLength: Int? = nil, maxLength: Int? = nil,
                              minGraphemes: Int? = nil, maxGraphemes: Int? = nil, enum values: [String]? = nil,
                              knownValues: [String]? = nil, const: String? = nil, default: String? = nil) -> LexiconType {
        .string(StringSchema(format: format, minLength: minLength, maxLength: maxLength, minGraphemes: minGraphemes,
                             maxGraphemes: maxGraphemes, enumValues: values, knownValues: knownValues,
                             const: const, defaultValue: `default`))
    }

    /// An `integer` schema.
    public static func integer(minimum: Int64? = nil, maximum: Int64? = nil, enum values: [Int64]? = nil,
                               const: Int64? = nil, default: Int64? = nil) -> LexiconType {
        .integer(IntegerSchema(minimum: minimum, maximum: maximum, enumValues: values, const: const, defaultValue: `default`))
    }

    /// A `boolean` schema.
    public static func boolean(const: Bool? = nil, default: Bool? = nil) -> LexiconType {
        .boolean(BooleanSchema(const: const, defaultValue: `default`))
    }

    /// A `bytes` schema.
    public static func bytes(minLength: Int? = nil, maxLength: Int? = nil) -> LexiconType {
        .bytes(BytesSchema(minLength: minLength, maxLength: maxLength))
    }

    /// A `blob` schema.
    public static func blob(accept: [String]? = nil, maxSize: Int64? = nil) -> LexiconType {
        .blob(BlobSchema(accept: accept, maxSize: maxSize))
    }

    /// An `array` of `items`.
    public static func array(of items: LexiconType, minLength: Int? = nil, maxLength: Int? = nil) -> LexiconType {
        .array(ArraySchema(items: items, minLength: minLength, maxLength: maxLength))
    }

    /// A `union` of the referenced definitions, open unless `closed`.
    public static func union(_ refs: String..., closed: Bool = false) -> LexiconType {
        .union(UnionSchema(refs: refs, closed: closed))
    }
}
