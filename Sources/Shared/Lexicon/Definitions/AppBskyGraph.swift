extension BuiltInLexicons {
    /// A follow of another account.
    static let appBskyGraphFollow = LexiconDocument("app.bsky.graph.follow") {
        Record(key: .tid) {
            Required("subject", .string(format: .did))
            Required("createdAt", .string(format: .datetime))
            Field("via", .ref("com.atproto.repo.strongRef"))
        }
    }

    /// A block of another account.
    static let appBskyGraphBlock = LexiconDocument("app.bsky.graph.block") {
        Record(key: .tid) {
            Required("subject", .string(format: .did))
            Required("createdAt", .string(format: .datetime))
        }
    }

    /// A list of accounts (moderation, curation or reference).
    static let appBskyGraphList = LexiconDocument("app.bsky.graph.list") {
        Record(key: .tid) {
            Required("purpose", .ref("app.bsky.graph.defs#listPurpose"))
            Required("name", .string(minLength: 1, maxLength: 64))
            Field("description", .string(maxLength: 3000, maxGraphemes: 300))
            Field("descriptionFacets", .array(of: .ref("app.bsky.richtext.facet")))
            Field("avatar", .blob(accept: ["image/png", "image/jpeg"], maxSize: 1_000_000))
            Field("labels", .union("com.atproto.label.defs#selfLabels"))
            Required("createdAt", .string(format: .datetime))
        }
    }

    /// One account on a list.
    static let appBskyGraphListitem = LexiconDocument("app.bsky.graph.listitem") {
        Record(key: .tid) {
            Required("subject", .string(format: .did))
            Required("list", .string(format: .atURI))
            Required("createdAt", .string(format: .datetime))
        }
    }

    /// A starter pack: a list of accounts and feeds to follow.
    static let appBskyGraphStarterpack = LexiconDocument("app.bsky.graph.starterpack") {
        Record(key: .tid) {
            Required("name", .string(minLength: 1, maxLength: 500, maxGraphemes: 50))
            Field("description", .string(maxLength: 3000, maxGraphemes: 300))
            Field("descriptionFacets", .array(of: .ref("app.bsky.richtext.facet")))
            Required("list", .string(format: .atURI))
            Field("feeds", .array(of: .ref("#feedItem"), maxLength: 3))
            Required("createdAt", .string(format: .datetime))
        }
        Object("feedItem") {
            Required("uri", .string(format: .atURI))
        }
    }

    /// List purposes (`app.bsky.graph.defs`; its view objects are AppView output).
    static let appBskyGraphDefs = LexiconDocument("app.bsky.graph.defs") {
        Def("listPurpose", .string(knownValues: [
            "app.bsky.graph.defs#modlist", "app.bsky.graph.defs#curatelist", "app.bsky.graph.defs#referencelist",
        ]))
        Token("modlist")
        Token("curatelist")
        Token("referencelist")
    }
}
