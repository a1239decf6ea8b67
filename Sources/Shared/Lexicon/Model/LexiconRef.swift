import Syntax

/// The rules for reference strings: `#name` (same document), `nsid` (its main def) and
/// `nsid#name`. Qualified references use `nsid` for a main def and `nsid#name` otherwise,
/// the same form as a `$type`, so a union check is a plain string comparison.
public enum LexiconRef {
    /// The qualified key of a definition.
    public static func key(document: String, def: String) -> String {
        def == "main" ? document : document + "#" + def
    }

    /// Qualifies `ref` as written inside `document`.
    public static func qualify(_ ref: String, in document: String) -> String {
        if ref.utf8.first == UInt8(ascii: "#") { return key(document: document, def: String(ref.dropFirst())) }
        return normalize(ref)
    }

    /// Drops a trailing `#main`, so `nsid#main` and `nsid` are the same key.
    public static func normalize(_ ref: String) -> String {
        ref.hasSuffix("#main") ? String(ref.dropLast(5)) : ref
    }

    /// True for `#name`, `nsid` and `nsid#name` with a valid NSID and a non-empty name.
    public static func isValid(_ ref: String) -> Bool {
        guard let hash = ref.firstIndex(of: "#") else { return NSID.isValid(ref) }
        let name = ref[ref.index(after: hash)...]
        guard isValidDefName(name) else { return false }
        return hash == ref.startIndex || NSID.isValid(String(ref[..<hash]))
    }

    /// Definition names: ASCII letters, digits, `-` and `_`, not empty.
    static func isValidDefName<S: StringProtocol>(_ name: S) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f
        }
    }
}

extension LexiconType {
    /// This schema with every reference qualified against `document`.
    func qualifyingRefs(in document: String) -> LexiconType {
        switch self {
        case .ref(let ref): return .ref(LexiconRef.qualify(ref, in: document))
        case .union(var union):
            union.refs = union.refs.map { LexiconRef.qualify($0, in: document) }
            return .union(union)
        case .array(var array):
            array.items = array.items.qualifyingRefs(in: document)
            return .array(array)
        case .object(let object): return .object(object.qualifyingRefs(in: document))
        case .boolean, .integer, .string, .bytes, .cidLink, .blob, .unknown: return self
        }
    }
}

extension ObjectSchema {
    func qualifyingRefs(in document: String) -> ObjectSchema {
        var copy = self
        copy.properties = properties.mapValues { $0.qualifyingRefs(in: document) }
        return copy
    }
}

extension ParamsSchema {
    func qualifyingRefs(in document: String) -> ParamsSchema {
        var copy = self
        copy.properties = properties.mapValues { $0.qualifyingRefs(in: document) }
        return copy
    }
}

extension BodySchema {
    func qualifyingRefs(in document: String) -> BodySchema {
        var copy = self
        copy.schema = schema?.qualifyingRefs(in: document)
        return copy
    }
}

extension LexiconDef {
    func qualifyingRefs(in document: String) -> LexiconDef {
        switch self {
        case .record(var record):
            record.record = record.record.qualifyingRefs(in: document)
            return .record(record)
        case .query(let method): return .query(method.qualifyingRefs(in: document))
        case .procedure(let method): return .procedure(method.qualifyingRefs(in: document))
        case .subscription(var sub):
            sub.parameters = sub.parameters?.qualifyingRefs(in: document)
            sub.message = sub.message?.qualifyingRefs(in: document)
            return .subscription(sub)
        case .type(let type): return .type(type.qualifyingRefs(in: document))
        case .permissionSet, .token: return self
        }
    }
}

extension MethodSchema {
    func qualifyingRefs(in document: String) -> MethodSchema {
        var copy = self
        copy.parameters = parameters?.qualifyingRefs(in: document)
        copy.input = input?.qualifyingRefs(in: document)
        copy.output = output?.qualifyingRefs(in: document)
        return copy
    }
}
