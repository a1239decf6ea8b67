/// The schema of one value inside a Lexicon definition: a property, an array item, a
/// parameter, or the body of a named definition.
public enum LexiconType: Sendable, Hashable {
    case boolean(BooleanSchema)
    case integer(IntegerSchema)
    case string(StringSchema)
    case bytes(BytesSchema)
    case cidLink
    case blob(BlobSchema)
    /// Any object (not a blob); its contents are not checked.
    case unknown
    indirect case array(ArraySchema)
    case object(ObjectSchema)
    /// A reference to another definition: `nsid` (its main def) or `nsid#name`, fully
    /// qualified once the document is built.
    case ref(String)
    case union(UnionSchema)

    /// The Lexicon `type` name.
    public var typeName: String {
        switch self {
        case .boolean: "boolean"
        case .integer: "integer"
        case .string: "string"
        case .bytes: "bytes"
        case .cidLink: "cid-link"
        case .blob: "blob"
        case .unknown: "unknown"
        case .array: "array"
        case .object: "object"
        case .ref: "ref"
        case .union: "union"
        }
    }
}
