/// One property of an object as the DSL describes it.
struct FieldSpec {
    let name: String
    let type: LexiconType
    let required: Bool
    let nullable: Bool
}

/// A DSL part that becomes one property of an object.
protocol FieldPart {
    var spec: FieldSpec { get }
}

/// Collects the properties of an object.
@resultBuilder
enum FieldsBuilder {
    static func buildExpression(_ part: some FieldPart) -> [FieldSpec] { [part.spec] }
    static func buildBlock(_ parts: [FieldSpec]...) -> [FieldSpec] { parts.flatMap { $0 } }
    /// `Object("disableRule") {}`: an object with no properties.
    static func buildBlock() -> [FieldSpec] { [] }
}

/// A property that must be present.
struct Required: FieldPart {
    let spec: FieldSpec

    init(_ name: String, _ type: LexiconType, nullable: Bool = false) {
        spec = FieldSpec(name: name, type: type, required: true, nullable: nullable)
    }
}

/// A property that may be absent.
struct Field: FieldPart {
    let spec: FieldSpec

    init(_ name: String, _ type: LexiconType, nullable: Bool = false) {
        spec = FieldSpec(name: name, type: type, required: false, nullable: nullable)
    }
}

extension ObjectSchema {
    /// An object from DSL fields, keeping their order for `required` and `nullable`.
    init(fields: [FieldSpec]) {
        self.init()
        for field in fields {
            precondition(properties[field.name] == nil, "property \(field.name) defined twice")
            properties[field.name] = field.type
            if field.required { required.append(field.name) }
            if field.nullable { nullable.append(field.name) }
        }
    }

    /// An object written with the DSL, for inline object properties.
    init(@FieldsBuilder _ fields: () -> [FieldSpec]) { self.init(fields: fields()) }
}
