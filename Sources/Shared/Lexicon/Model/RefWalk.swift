extension LexiconType {
    /// Calls `body` with every reference in this schema (refs and union members).
    func forEachRef(_ body: (String) -> Void) {
        switch self {
        case .ref(let ref): body(ref)
        case .union(let union): union.refs.forEach(body)
        case .array(let array): array.items.forEachRef(body)
        case .object(let object): object.properties.values.forEach { $0.forEachRef(body) }
        case .boolean, .integer, .string, .bytes, .cidLink, .blob, .unknown: break
        }
    }
}

extension LexiconDef {
    /// Calls `body` with every reference this definition makes.
    func forEachRef(_ body: (String) -> Void) {
        func params(_ p: ParamsSchema?) { p?.properties.values.forEach { $0.forEachRef(body) } }
        switch self {
        case .record(let record): LexiconType.object(record.record).forEachRef(body)
        case .query(let m), .procedure(let m):
            params(m.parameters)
            m.input?.schema?.forEachRef(body)
            m.output?.schema?.forEachRef(body)
        case .subscription(let s):
            params(s.parameters)
            s.message?.forEachRef(body)
        case .type(let type): type.forEachRef(body)
        case .token, .permissionSet: break
        }
    }
}
