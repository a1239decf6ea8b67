import IPLD

/// How the record keys of a collection are chosen (the `key` of a record definition).
public enum RecordKeyType: Sendable, Hashable {
    case tid
    case nsid
    case any
    /// Exactly this key, e.g. `self` for profiles.
    case literal(String)

    /// The Lexicon spelling: `tid`, `nsid`, `any` or `literal:<value>`.
    public var name: String {
        switch self {
        case .tid: "tid"
        case .nsid: "nsid"
        case .any: "any"
        case .literal(let value): "literal:\(value)"
        }
    }

    /// Reads the Lexicon spelling; nil for anything else.
    public init?(name: String) {
        switch name {
        case "tid": self = .tid
        case "nsid": self = .nsid
        case "any": self = .any
        default:
            guard name.hasPrefix("literal:"), name.utf8.count > 8 else { return nil }
            self = .literal(String(name.dropFirst(8)))
        }
    }
}

/// A `record` definition: the key scheme and the object stored under it.
public struct RecordSchema: Sendable, Hashable {
    public var key: RecordKeyType
    public var record: ObjectSchema

    public init(key: RecordKeyType, record: ObjectSchema) {
        self.key = key
        self.record = record
    }
}

/// The `parameters` of an XRPC method or subscription: the query-string fields.
public struct ParamsSchema: Sendable, Hashable {
    public var properties: [String: LexiconType]
    public var required: [String]

    public init(properties: [String: LexiconType] = [:], required: [String] = []) {
        self.properties = properties
        self.required = required
    }
}

/// The `input` or `output` of an XRPC method: a MIME encoding and, for JSON, a schema.
public struct BodySchema: Sendable, Hashable {
    public var encoding: String
    /// An object, a ref, or a union.
    public var schema: LexiconType?

    public init(encoding: String, schema: LexiconType? = nil) {
        self.encoding = encoding
        self.schema = schema
    }
}

/// A `query` (HTTP GET) or `procedure` (HTTP POST) definition.
public struct MethodSchema: Sendable, Hashable {
    public var parameters: ParamsSchema?
    /// Always nil for a query.
    public var input: BodySchema?
    public var output: BodySchema?
    /// The names of the errors the method declares.
    public var errors: [String]

    public init(parameters: ParamsSchema? = nil, input: BodySchema? = nil, output: BodySchema? = nil,
                errors: [String] = []) {
        self.parameters = parameters
        self.input = input
        self.output = output
        self.errors = errors
    }
}

/// A `subscription` (event stream) definition.
public struct SubscriptionSchema: Sendable, Hashable {
    public var parameters: ParamsSchema?
    /// The union of message types.
    public var message: LexiconType?
    public var errors: [String]

    public init(parameters: ParamsSchema? = nil, message: LexiconType? = nil, errors: [String] = []) {
        self.parameters = parameters
        self.message = message
        self.errors = errors
    }
}

/// A `permission-set` definition: a named bundle of OAuth permissions. The permissions are
/// kept as written (each an object with `type: "permission"` and a `resource`); the PDS
/// only carries them, it does not interpret them here.
public struct PermissionSetSchema: Sendable, Hashable {
    public var title: String?
    public var detail: String?
    public var permissions: [DataMap]

    public init(title: String? = nil, detail: String? = nil, permissions: [DataMap]) {
        self.title = title
        self.detail = detail
        self.permissions = permissions
    }
}

/// One named definition of a Lexicon document.
public enum LexiconDef: Sendable, Hashable {
    case record(RecordSchema)
    case query(MethodSchema)
    case procedure(MethodSchema)
    case subscription(SubscriptionSchema)
    case permissionSet(PermissionSetSchema)
    /// A named constant with no value of its own; data carries its full name as a string.
    case token
    /// A reusable schema: object, array, string, integer, boolean, bytes, cid-link or blob.
    case type(LexiconType)

    /// The Lexicon `type` name.
    public var typeName: String {
        switch self {
        case .record: "record"
        case .query: "query"
        case .procedure: "procedure"
        case .subscription: "subscription"
        case .permissionSet: "permission-set"
        case .token: "token"
        case .type(let t): t.typeName
        }
    }

    /// Record, query, procedure, subscription and permission-set may only be a document's
    /// `main` definition.
    public var isPrimary: Bool {
        switch self {
        case .record, .query, .procedure, .subscription, .permissionSet: true
        case .token, .type: false
        }
    }
}
