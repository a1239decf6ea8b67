import IPLD

/// Checks a data-model value against a schema, following references through a table of
/// qualified definitions. Structure lives here; strings and blobs have their own files.
struct ValueValidator {
    let defs: [String: LexiconDef]
    var path: ValidationPath

    init(defs: [String: LexiconDef], root: String) {
        self.defs = defs
        self.path = ValidationPath(root: root)
    }

    func fail(_ message: String) -> LexiconError {
        LexiconError(.invalidValue, "\(path.text) \(message)")
    }

    mutating func validate(_ value: DataValue, _ type: LexiconType) throws(LexiconError) {
        switch type {
        case .boolean(let schema):
            guard case .bool(let b) = value else { throw fail("must be a boolean") }
            if let c = schema.const, b != c { throw fail("must be \(c)") }
        case .integer(let schema):
            try validateInteger(value, schema)
        case .string(let schema):
            try validateString(value, schema)
        case .bytes(let schema):
            guard case .bytes(let bytes) = value else { throw fail("must be a byte array") }
            if let max = schema.maxLength, bytes.count > max { throw fail("must not be larger than \(max) bytes") }
            if let min = schema.minLength, bytes.count < min { throw fail("must not be smaller than \(min) bytes") }
        case .cidLink:
            guard case .link = value else { throw fail("must be a CID link") }
        case .blob(let schema):
            try validateBlob(value, schema)
        case .unknown:
            guard case .map(let map) = value else { throw fail("must be an object") }
            if case .string("blob")? = map["$type"] { throw fail("must be an object, not a blob") }
        case .array(let schema):
            try validateArray(value, schema)
        case .object(let schema):
            try validateObject(value, schema)
        case .ref(let ref):
            try validateRef(value, ref)
        case .union(let schema):
            try validateUnion(value, schema)
        }
    }

    mutating func validateObject(_ value: DataValue, _ schema: ObjectSchema) throws(LexiconError) {
        guard case .map(let map) = value else { throw fail("must be an object") }
        for name in schema.required where map[name] == nil {
            throw fail("must have the property \"\(name)\"")
        }
        // Walk the value's entries rather than the schema's properties: records carry few
        // fields, and each lookup here is a hash probe instead of a scan of the map.
        for entry in map.entries {
            guard let type = schema.properties[entry.key] else { continue }
            if case .null = entry.value, schema.nullable.contains(entry.key) { continue }
            path.push(.key(entry.key))
            try validate(entry.value, type)
            path.pop()
        }
    }

    mutating func validateArray(_ value: DataValue, _ schema: ArraySchema) throws(LexiconError) {
        guard case .array(let items) = value else { throw fail("must be an array") }
        if let max = schema.maxLength, items.count > max { throw fail("must not have more than \(max) elements") }
        if let min = schema.minLength, items.count < min { throw fail("must not have fewer than \(min) elements") }
        for (i, item) in items.enumerated() {
            path.push(.index(i))
            try validate(item, schema.items)
            path.pop()
        }
    }

    mutating func validateInteger(_ value: DataValue, _ schema: IntegerSchema) throws(LexiconError) {
        guard case .int(let i) = value else { throw fail("must be an integer") }
        if let c = schema.const, i != c { throw fail("must be \(c)") }
        if let e = schema.enumValues, !e.contains(i) {
            throw fail("must be one of (\(e.map(String.init).joined(separator: "|")))")
        }
        if let max = schema.maximum, i > max { throw fail("can not be greater than \(max)") }
        if let min = schema.minimum, i < min { throw fail("can not be less than \(min)") }
    }

    mutating func validateRef(_ value: DataValue, _ ref: String) throws(LexiconError) {
        guard let def = defs[ref] else {
            throw LexiconError(.missingDefinition, "\(path.text) refers to \(ref), which is not defined")
        }
        switch def {
        case .type(let type): try validate(value, type)
        case .record(let record): try validateObject(value, record.record)
        case .token:
            // A token stands for its own name; data refers to it by that string.
            guard case .string(let s) = value, LexiconRef.normalize(s) == ref else { throw fail("must be the token \(ref)") }
        case .query, .procedure, .subscription, .permissionSet:
            throw fail("refers to \(ref), a \(def.typeName), which cannot describe a value")
        }
    }

    mutating func validateUnion(_ value: DataValue, _ schema: UnionSchema) throws(LexiconError) {
        guard case .map(let map) = value, case .string(let rawType)? = map["$type"] else {
            throw fail("must be an object which includes the \"$type\" property")
        }
        let type = LexiconRef.normalize(rawType)
        guard schema.refs.contains(type) else {
            if schema.closed { throw fail("$type must be one of \(schema.refs.joined(separator: ", "))") }
            // Open unions accept types added after this schema was written, unchecked.
            return
        }
        guard let def = defs[type] else {
            throw LexiconError(.missingDefinition, "\(path.text) refers to \(type), which is not defined")
        }
        switch def {
        case .type(.object(let object)): try validateObject(value, object)
        case .record(let record): try validateObject(value, record.record)
        default: throw fail("union member \(type) is a \(def.typeName), not an object")
        }
    }
}
