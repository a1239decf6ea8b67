/// Finds every difference between two definitions: fields, types, required and nullable
/// lists, formats, references, union members and closedness, and all constraints.
/// Descriptions are not part of the model, so they never count.
///
/// Each definition is flattened into facts (`record.properties.text.string.maxGraphemes = 300`)
/// by reflecting over the model, so a constraint added to the model later is compared
/// without this code changing. Lists of plain values (required, refs, enum, accept…) are
/// compared as sets: their order carries no meaning.
public enum LexiconComparison {
    /// Human-readable differences, empty when the definitions are the same.
    public static func differences(expected: LexiconDef, actual: LexiconDef, at path: String = "") -> [String] {
        let want = facts(of: expected), have = facts(of: actual)
        let prefix = path.isEmpty ? "" : path + ": "
        var out = [String]()
        for fact in want.subtracting(have).sorted() { out.append("\(prefix)missing \(fact)") }
        for fact in have.subtracting(want).sorted() { out.append("\(prefix)unexpected \(fact)") }
        return out
    }

    /// The flattened facts of a definition.
    public static func facts(of def: LexiconDef) -> Set<String> {
        var out = Set<String>()
        flatten(def, path: "", into: &out)
        return out
    }

    private static func flatten(_ value: Any, path: String, into out: inout Set<String>) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            // Absent optional constraints add no fact; present ones are facts of their own.
            if let wrapped = mirror.children.first { flatten(wrapped.value, path: path, into: &out) }
        case .enum:
            if let payload = mirror.children.first {
                let name = payload.label ?? "?"
                out.insert("\(path) is \(name)")
                flatten(payload.value, path: join(path, name), into: &out)
            } else {
                out.insert("\(path) = \(value)")
            }
        case .struct, .class, .tuple:
            if mirror.children.isEmpty { out.insert("\(path) is empty") }
            for child in mirror.children {
                flatten(child.value, path: join(path, child.label ?? "?"), into: &out)
            }
        case .dictionary:
            for child in mirror.children {
                let pair = Array(Mirror(reflecting: child.value).children)
                guard pair.count == 2 else { continue }
                let key = "\(pair[0].value)"
                out.insert("\(join(path, key)) defined")
                flatten(pair[1].value, path: join(path, key), into: &out)
            }
        case .collection, .set:
            let items = Array(mirror.children)
            if items.isEmpty { out.insert("\(path) = []") }
            for (i, item) in items.enumerated() {
                if isPlain(item.value) {
                    out.insert("\(path) contains \(describe(item.value))")
                } else {
                    flatten(item.value, path: join(path, String(i)), into: &out)
                }
            }
        default:
            out.insert("\(path) = \(describe(value))")
        }
    }

    private static func isPlain(_ value: Any) -> Bool {
        value is String || value is Int || value is Int64 || value is Bool
    }

    private static func describe(_ value: Any) -> String {
        if let s = value as? String { return "\"\(s)\"" }
        return "\(value)"
    }

    private static func join(_ path: String, _ step: String) -> String { path.isEmpty ? step : path + "." + step }
}
