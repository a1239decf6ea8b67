// A small DSL for writing Lexicon documents as Swift, used by the built-in definitions:
//
//     LexiconDocument("app.bsky.feed.like") {
//         Record(key: .tid) {
//             Required("subject", .ref("com.atproto.repo.strongRef"))
//             Required("createdAt", .string(format: .datetime))
//         }
//     }
//
// The parts are internal so names like `Record` and `Object` do not leak into modules that
// import Lexicon.

/// One named definition produced by a DSL part.
struct NamedDef {
    let name: String
    let def: LexiconDef
}

/// A DSL part that becomes one definition of a document.
protocol DefinitionPart {
    var named: NamedDef { get }
}

/// Collects the definitions of a document.
@resultBuilder
enum DefinitionsBuilder {
    static func buildExpression(_ part: some DefinitionPart) -> [NamedDef] { [part.named] }
    static func buildBlock(_ parts: [NamedDef]...) -> [NamedDef] { parts.flatMap { $0 } }
}

extension LexiconDocument {
    /// A document written with the DSL. References are qualified against `id`; two parts
    /// with the same name are a programming error.
    init(_ id: String, @DefinitionsBuilder _ parts: () -> [NamedDef]) {
        var defs = [String: LexiconDef]()
        for part in parts() {
            precondition(defs[part.name] == nil, "\(id) defines \(part.name) twice")
            defs[part.name] = part.def
        }
        self.init(id: id, defs: defs)
    }
}

/// The `main` record definition of a collection.
struct Record: DefinitionPart {
    let named: NamedDef

    init(key: RecordKeyType, @FieldsBuilder _ fields: () -> [FieldSpec]) {
        named = NamedDef(name: "main", def: .record(RecordSchema(key: key, record: ObjectSchema(fields: fields()))))
    }
}

/// A named `object` definition.
struct Object: DefinitionPart {
    let named: NamedDef

    init(_ name: String, @FieldsBuilder _ fields: () -> [FieldSpec]) {
        named = NamedDef(name: name, def: .type(.object(ObjectSchema(fields: fields()))))
    }
}

/// A named `token`.
struct Token: DefinitionPart {
    let named: NamedDef

    init(_ name: String) { named = NamedDef(name: name, def: .token) }
}

/// A named reusable schema other than an object (a string with known values, an array…).
struct Def: DefinitionPart {
    let named: NamedDef

    init(_ name: String, _ type: LexiconType) { named = NamedDef(name: name, def: .type(type)) }
}
