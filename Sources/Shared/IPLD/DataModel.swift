/// The atproto data-model rules that sit above plain IPLD: the JSON conventions for links
/// and bytes, `$type`, and the shape of blob references.
public enum DataModel {
    /// Builds the value of a JSON object, turning `{"$link": …}` into a link and
    /// `{"$bytes": …}` into bytes, and checking `$type` and blob objects.
    static func fromJSONObject(_ pairs: [(String, DataValue)]) throws(IPLDError) -> DataValue {
        if let first = pairs.first, first.0 == "$link" || first.0 == "$bytes" {
            guard pairs.count == 1 else { throw IPLDError(.dataModel, "\(first.0) object must have no other fields") }
            guard case .string(let s) = first.1 else { throw IPLDError(.dataModel, "\(first.0) must be a string") }
            if first.0 == "$link" { return .link(try CID(string: s)) }
            guard let bytes = Base64.decode(s) else { throw IPLDError(.dataModel, "$bytes is not valid base64") }
            return .bytes(bytes)
        }
        if pairs.contains(where: { $0.0 == "$link" || $0.0 == "$bytes" }) {
            throw IPLDError(.dataModel, "$link and $bytes objects must have no other fields")
        }
        let map = DataMap(pairs)
        try checkObject(map)
        return .map(map)
    }

    /// Checks one object against the `$type` and blob rules (not its children).
    public static func checkObject(_ map: DataMap) throws(IPLDError) {
        guard let type = map["$type"] else { return }
        guard case .string(let t) = type, !t.isEmpty else {
            throw IPLDError(.dataModel, "$type must be a non-empty string")
        }
        if t == "blob" { _ = try BlobRef(map) }
    }

    /// Checks a whole value recursively (for data that arrived as DAG-CBOR).
    public static func validate(_ value: DataValue) throws(IPLDError) {
        switch value {
        case .map(let m):
            try checkObject(m)
            for e in m.entries { try validate(e.value) }
        case .array(let a):
            for v in a { try validate(v) }
        default: break
        }
    }

    /// Checks a value that must be an object at the top (records, XRPC bodies, the CAR
    /// header): the data-model rules apply throughout.
    public static func validateTopLevel(_ value: DataValue) throws(IPLDError) {
        guard case .map = value else { throw IPLDError(.dataModel, "top-level value must be an object") }
        try validate(value)
    }

    /// Checks that a value is a record: an object with a non-empty string `$type`.
    public static func validateRecord(_ value: DataValue) throws(IPLDError) {
        guard case .map(let m) = value else { throw IPLDError(.dataModel, "a record must be an object") }
        guard case .string(let t)? = m["$type"], !t.isEmpty else {
            throw IPLDError(.dataModel, "a record must have a string $type")
        }
        try validate(value)
    }
}

/// A blob reference as stored in records: `{$type: "blob", ref: <link>, mimeType, size}`.
public struct BlobRef: Hashable, Sendable {
    public let ref: CID
    public let mimeType: String
    public let size: Int64

    public init(ref: CID, mimeType: String, size: Int64) {
        self.ref = ref
        self.mimeType = mimeType
        self.size = size
    }

    /// Reads a blob object, refusing missing or mistyped fields.
    public init(_ map: DataMap) throws(IPLDError) {
        guard case .link(let ref)? = map["ref"] else { throw IPLDError(.dataModel, "blob must have a ref link") }
        guard case .string(let mime)? = map["mimeType"], !mime.isEmpty else {
            throw IPLDError(.dataModel, "blob must have a mimeType string")
        }
        guard case .int(let size)? = map["size"], size >= 0 else {
            throw IPLDError(.dataModel, "blob must have a non-negative integer size")
        }
        self.init(ref: ref, mimeType: mime, size: size)
    }

    /// The data-model value of this reference.
    public var value: DataValue {
        .map(DataMap([("$type", .string("blob")), ("ref", .link(ref)), ("mimeType", .string(mimeType)), ("size", .int(size))]))
    }

    /// Every blob referenced anywhere inside `value`.
    public static func all(in value: DataValue) -> [BlobRef] {
        var found = [BlobRef]()
        collect(value, into: &found)
        return found
    }

    private static func collect(_ value: DataValue, into found: inout [BlobRef]) {
        switch value {
        case .map(let m):
            if case .string("blob")? = m["$type"], let b = try? BlobRef(m) { found.append(b); return }
            for e in m.entries { collect(e.value, into: &found) }
        case .array(let a):
            for v in a { collect(v, into: &found) }
        default: break
        }
    }
}
