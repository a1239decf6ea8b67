import IPLD

extension DocumentReader {
    /// Reads the schema of a property, array item, parameter or reusable definition.
    mutating func field(_ value: DataValue, _ path: String) throws(LexiconError) -> LexiconType {
        let map = try object(value, path)
        switch try typeName(map, path) {
        case "boolean":
            note(map, known: ["type", "description", "default", "const"], at: path)
            return .boolean(BooleanSchema(const: try bool(map, "const", path), defaultValue: try bool(map, "default", path)))
        case "integer":
            note(map, known: ["type", "description", "default", "const", "enum", "minimum", "maximum"], at: path)
            let schema = IntegerSchema(minimum: try int(map, "minimum", path), maximum: try int(map, "maximum", path),
                                       enumValues: try ints(map, "enum", path), const: try int(map, "const", path),
                                       defaultValue: try int(map, "default", path))
            if let lo = schema.minimum, let hi = schema.maximum, lo > hi { throw invalid("\(path): minimum is above maximum") }
            return .integer(schema)
        case "string":
            return .string(try stringSchema(map, path))
        case "bytes":
            note(map, known: ["type", "description", "minLength", "maxLength"], at: path)
            return .bytes(BytesSchema(minLength: try count(map, "minLength", path), maxLength: try count(map, "maxLength", path)))
        case "cid-link":
            note(map, known: ["type", "description"], at: path)
            return .cidLink
        case "blob":
            note(map, known: ["type", "description", "accept", "maxSize"], at: path)
            let accept = try strings(map, "accept", path)
            for pattern in accept ?? [] where !MIMEPattern.isValid(pattern) {
                throw invalid("\(path).accept: \(pattern) is not a MIME type or pattern")
            }
            let maxSize = try int(map, "maxSize", path)
            if let maxSize, maxSize < 0 { throw invalid("\(path).maxSize: must not be negative") }
            return .blob(BlobSchema(accept: accept, maxSize: maxSize))
        case "unknown":
            note(map, known: ["type", "description"], at: path)
            return .unknown
        case "array":
            note(map, known: ["type", "description", "items", "minLength", "maxLength"], at: path)
            guard let items = map["items"] else { throw invalid("\(path): array must have items") }
            return .array(ArraySchema(items: try field(items, path + ".items"), minLength: try count(map, "minLength", path),
                                      maxLength: try count(map, "maxLength", path)))
        case "object":
            return .object(try objectSchema(map, path))
        case "ref":
            note(map, known: ["type", "description", "ref"], at: path)
            guard let ref = try string(map, "ref", path), LexiconRef.isValid(ref) else {
                throw invalid("\(path): ref must be a valid reference")
            }
            return .ref(ref)
        case "union":
            note(map, known: ["type", "description", "refs", "closed"], at: path)
            guard let refs = try strings(map, "refs", path) else { throw invalid("\(path): union must have refs") }
            for ref in refs where !LexiconRef.isValid(ref) { throw invalid("\(path): \(ref) is not a valid reference") }
            return .union(UnionSchema(refs: refs, closed: try bool(map, "closed", path) ?? false))
        case let other:
            throw invalid("\(path): \(other) is not a field type")
        }
    }

    mutating func stringSchema(_ map: DataMap, _ path: String) throws(LexiconError) -> StringSchema {
        note(map, known: ["type", "description", "format", "default", "const", "enum", "knownValues",
                          "minLength", "maxLength", "minGraphemes", "maxGraphemes"], at: path)
        var schema = StringSchema()
        if let name = try string(map, "format", path) {
            guard let format = StringFormat(rawValue: name) else { throw invalid("\(path): unknown string format \(name)") }
            schema.format = format
        }
        schema.minLength = try count(map, "minLength", path)
        schema.maxLength = try count(map, "maxLength", path)
        schema.minGraphemes = try count(map, "minGraphemes", path)
        schema.maxGraphemes = try count(map, "maxGraphemes", path)
        schema.enumValues = try strings(map, "enum", path)
        schema.knownValues = try strings(map, "knownValues", path)
        schema.const = try string(map, "const", path)
        schema.defaultValue = try string(map, "default", path)
        return schema
    }

    mutating func objectSchema(_ map: DataMap, _ path: String) throws(LexiconError) -> ObjectSchema {
        note(map, known: ["type", "description", "required", "nullable", "properties"], at: path)
        var schema = ObjectSchema(required: try strings(map, "required", path) ?? [],
                                  nullable: try strings(map, "nullable", path) ?? [])
        if let props = map["properties"] {
            for entry in try object(props, path + ".properties") {
                schema.properties[entry.key] = try field(entry.value, "\(path).properties.\(entry.key)")
            }
        }
        for name in schema.required where schema.properties[name] == nil {
            throw invalid("\(path): required field \(name) is not defined")
        }
        return schema
    }
}
