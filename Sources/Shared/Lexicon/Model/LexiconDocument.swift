/// A Lexicon document: version 1, an NSID, and its named definitions.
///
/// References inside are fully qualified (`#image` in `app.bsky.embed.images` is kept as
/// `app.bsky.embed.images#image`, and `nsid#main` as `nsid`), so definitions can be
/// compared and looked up without knowing which document they came from.
public struct LexiconDocument: Sendable, Hashable {
    /// The document's NSID.
    public let id: String
    public let revision: Int?
    public let defs: [String: LexiconDef]
    /// Keys the reader did not understand, as paths (`defs.main.record.properties.x.foo`).
    /// Lexicon allows unknown keys; the comparison test uses this to prove nothing that
    /// matters was skipped.
    public let unrecognizedKeys: [String]

    /// Builds a document, qualifying every reference against `id`.
    public init(id: String, revision: Int? = nil, defs: [String: LexiconDef], unrecognizedKeys: [String] = []) {
        self.id = id
        self.revision = revision
        var qualified = [String: LexiconDef]()
        for (name, def) in defs { qualified[name] = def.qualifyingRefs(in: id) }
        self.defs = qualified
        self.unrecognizedKeys = unrecognizedKeys
    }

    /// The fully qualified reference to one of this document's definitions.
    public func ref(_ name: String) -> String { LexiconRef.key(document: id, def: name) }
}
