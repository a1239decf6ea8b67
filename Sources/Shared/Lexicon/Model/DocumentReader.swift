import IPLD
import Syntax

extension LexiconDocument {
    /// Reads a Lexicon document from its JSON text, refusing documents that break the
    /// Lexicon rules (version, NSID, where primary types may appear, malformed fields).
    public init(json: [UInt8]) throws(LexiconError) {
        let value: DataValue
        do { value = try DataModelJSON.parse(json) } catch {
            throw LexiconError(.invalidDocument, "lexicon document is not valid JSON: \(error.message)")
        }
        try self.init(value: value)
    }

    /// Reads a Lexicon document from its JSON text.
    public init(json: String) throws(LexiconError) { try self.init(json: Array(json.utf8)) }

    /// Reads a Lexicon document already parsed into the data model.
    public init(value: DataValue) throws(LexiconError) {
        var reader = DocumentReader()
        self = try reader.document(value)
    }
}

/// Turns the JSON form of a document into the typed model, noting keys it does not know.
struct DocumentReader {
    var unrecognized: [String] = []

    mutating func document(_ value: DataValue) throws(LexiconError) -> LexiconDocument {
        let map = try object(value, "document")
        guard case .int(1)? = map["lexicon"] else { throw invalid("document: lexicon must be the integer 1") }
        guard case .string(let id)? = map["id"] else { throw invalid("document: id must be a string") }
        guard NSID.isValid(id) else { throw invalid("document: id \(id) is not a valid NSID") }
        let revision = try int(map, "revision", "document").map(Int.init)
        guard case .map(let defsMap)? = map["defs"] else { throw invalid("\(id): defs must be an object") }
        note(map, known: ["lexicon", "id", "revision", "description", "defs", "$type"], at: "")
        var defs = [String: LexiconDef]()
        for entry in defsMap {
            let path = "defs.\(entry.key)"
            guard LexiconRef.isValidDefName(entry.key) else { throw invalid("\(id): invalid definition name \(entry.key)") }
            let def = try self.def(entry.value, path)
            if def.isPrimary && entry.key != "main" {
                throw invalid("\(id): \(def.typeName) definition \(entry.key) must be the main definition")
            }
            defs[entry.key] = def
        }
        return LexiconDocument(id: id, revision: revision, defs: defs, unrecognizedKeys: unrecognized)
    }

    // MARK: named definitions

    mutating func def(_ value: DataValue, _ path: String) throws(LexiconError) -> LexiconDef {
        let map = try object(value, path)
        let type = try typeName(map, path)
        switch type {
        case "record":
            note(map, known: ["type", "description", "key", "record"], at: path)
            guard let keyName = try string(map, "key", path) else { throw invalid("\(path): record must have a key") }
            guard let key = RecordKeyType(name: keyName) else { throw invalid("\(path): invalid record key type \(keyName)") }
            guard let body = map["record"] else { throw invalid("\(path): record must have a record schema") }
            let bodyMap = try object(body, path + ".record")
            guard case .string("object")? = bodyMap["type"] else { throw invalid("\(path).record: must be of type object") }
            return .record(RecordSchema(key: key, record: try objectSchema(bodyMap, path + ".record")))
        case "query", "procedure":
            note(map, known: ["type", "description", "parameters", "input", "output", "errors"], at: path)
            var method = MethodSchema()
            if let p = map["parameters"] { method.parameters = try params(p, path + ".parameters") }
            if type == "procedure", let i = map["input"] { method.input = try body(i, path + ".input") }
            if type == "query", map["input"] != nil { throw invalid("\(path): a query has no input") }
            if let o = map["output"] { method.output = try body(o, path + ".output") }
            method.errors = try errors(map, path)
            return type == "query" ? .query(method) : .procedure(method)
        case "subscription":
            note(map, known: ["type", "description", "parameters", "message", "errors"], at: path)
            var sub = SubscriptionSchema()
            if let p = map["parameters"] { sub.parameters = try params(p, path + ".parameters") }
            if let m = map["message"] {
                let mm = try object(m, path + ".message")
                note(mm, known: ["description", "schema"], at: path + ".message")
                if let s = mm["schema"] {
                    let schema = try field(s, path + ".message.schema")
                    guard case .union = schema else { throw invalid("\(path).message.schema: must be a union") }
                    sub.message = schema
                }
            }
            sub.errors = try errors(map, path)
            return .subscription(sub)
        case "permission-set":
            note(map, known: ["type", "description", "title", "title:lang", "detail", "detail:lang", "permissions"], at: path)
            guard case .array(let items)? = map["permissions"] else {
                throw invalid("\(path): permission-set must have a permissions array")
            }
            var permissions = [DataMap]()
            for (i, item) in items.enumerated() {
                let p = try object(item, "\(path).permissions.\(i)")
                guard case .string("permission")? = p["type"], case .string? = p["resource"] else {
                    throw invalid("\(path).permissions.\(i): must be a permission with a resource")
                }
                permissions.append(p)
            }
            return .permissionSet(PermissionSetSchema(title: try string(map, "title", path),
                                                      detail: try string(map, "detail", path), permissions: permissions))
        case "token":
            note(map, known: ["type", "description"], at: path)
            return .token
        case "ref", "union", "unknown", "params":
            throw invalid("\(path): type \(type) cannot be a named definition")
        default:
            return .type(try field(value, path))
        }
    }

    mutating func params(_ value: DataValue, _ path: String) throws(LexiconError) -> ParamsSchema {
        let map = try object(value, path)
        guard try typeName(map, path) == "params" else { throw invalid("\(path): must be of type params") }
        note(map, known: ["type", "description", "required", "properties"], at: path)
        var schema = ParamsSchema(required: try strings(map, "required", path) ?? [])
        if let props = map["properties"] {
            for entry in try object(props, path + ".properties") {
                let p = "\(path).properties.\(entry.key)"
                let type = try field(entry.value, p)
                switch type {
                case .boolean, .integer, .string, .unknown: break
                case .array(let a):
                    switch a.items {
                    case .boolean, .integer, .string, .unknown: break
                    default: throw invalid("\(p): parameter arrays hold only boolean, integer, string or unknown")
                    }
                default: throw invalid("\(p): a parameter cannot be of type \(type.typeName)")
                }
                schema.properties[entry.key] = type
            }
        }
        for name in schema.required where schema.properties[name] == nil {
            throw invalid("\(path): required field \(name) is not defined")
        }
        return schema
    }

    mutating func body(_ value: DataValue, _ path: String) throws(LexiconError) -> BodySchema {
        let map = try object(value, path)
        note(map, known: ["description", "encoding", "schema"], at: path)
        guard let encoding = try string(map, "encoding", path) else { throw invalid("\(path): must have an encoding") }
        var body = BodySchema(encoding: encoding)
        if let s = map["schema"] {
            let schema = try field(s, path + ".schema")
            switch schema {
            case .object, .ref, .union: body.schema = schema
            default: throw invalid("\(path).schema: must be an object, ref or union")
            }
        }
        return body
    }

    mutating func errors(_ map: DataMap, _ path: String) throws(LexiconError) -> [String] {
        guard let value = map["errors"] else { return [] }
        guard case .array(let items) = value else { throw invalid("\(path).errors: must be an array") }
        var names = [String]()
        for (i, item) in items.enumerated() {
            let e = try object(item, "\(path).errors.\(i)")
            note(e, known: ["name", "description"], at: "\(path).errors.\(i)")
            guard let name = try string(e, "name", path) else { throw invalid("\(path).errors.\(i): must have a name") }
            names.append(name)
        }
        return names
    }

    // MARK: small readers

    func object(_ value: DataValue, _ path: String) throws(LexiconError) -> DataMap {
        guard case .map(let m) = value else { throw invalid("\(path): must be an object") }
        return m
    }

    func typeName(_ map: DataMap, _ path: String) throws(LexiconError) -> String {
        guard case .string(let t)? = map["type"] else { throw invalid("\(path): must have a string type") }
        return t
    }

    func string(_ map: DataMap, _ key: String, _ path: String) throws(LexiconError) -> String? {
        guard let v = map[key] else { return nil }
        guard case .string(let s) = v else { throw invalid("\(path).\(key): must be a string") }
        return s
    }

    func int(_ map: DataMap, _ key: String, _ path: String) throws(LexiconError) -> Int64? {
        guard let v = map[key] else { return nil }
        guard case .int(let i) = v else { throw invalid("\(path).\(key): must be an integer") }
        return i
    }

    /// A non-negative count (lengths, grapheme counts).
    func count(_ map: DataMap, _ key: String, _ path: String) throws(LexiconError) -> Int? {
        guard let i = try int(map, key, path) else { return nil }
        guard i >= 0, i <= Int64(Int.max) else { throw invalid("\(path).\(key): must not be negative") }
        return Int(i)
    }

    func bool(_ map: DataMap, _ key: String, _ path: String) throws(LexiconError) -> Bool? {
        guard let v = map[key] else { return nil }
        guard case .bool(let b) = v else { throw invalid("\(path).\(key): must be a boolean") }
        return b
    }

    func strings(_ map: DataMap, _ key: String, _ path: String) throws(LexiconError) -> [String]? {
        guard let v = map[key] else { return nil }
        guard case .array(let items) = v else { throw invalid("\(path).\(key): must be an array of strings") }
        var out = [String]()
        out.reserveCapacity(items.count)
        for item in items {
            guard case .string(let s) = item else { throw invalid("\(path).\(key): must be an array of strings") }
            out.append(s)
        }
        return out
    }

    func ints(_ map: DataMap, _ key: String, _ path: String) throws(LexiconError) -> [Int64]? {
        guard let v = map[key] else { return nil }
        guard case .array(let items) = v else { throw invalid("\(path).\(key): must be an array of integers") }
        var out = [Int64]()
        for item in items {
            guard case .int(let i) = item else { throw invalid("\(path).\(key): must be an array of integers") }
            out.append(i)
        }
        return out
    }

    mutating func note(_ map: DataMap, known: Set<String>, at path: String) {
        for entry in map where !known.contains(entry.key) {
            unrecognized.append(path.isEmpty ? entry.key : "\(path).\(entry.key)")
        }
    }

    func invalid(_ message: String) -> LexiconError { LexiconError(.invalidDocument, message) }
}
