extension BuiltInLexicons {
    /// A labeler's declaration of the labels it publishes.
    static let appBskyLabelerService = LexiconDocument("app.bsky.labeler.service") {
        Record(key: .literal("self")) {
            Required("policies", .ref("app.bsky.labeler.defs#labelerPolicies"))
            Field("labels", .union("com.atproto.label.defs#selfLabels"))
            Required("createdAt", .string(format: .datetime))
            Field("reasonTypes", .array(of: .ref("com.atproto.moderation.defs#reasonType")))
            Field("subjectTypes", .array(of: .ref("com.atproto.moderation.defs#subjectType")))
            Field("subjectCollections", .array(of: .string(format: .nsid)))
        }
    }

    /// Labeler policies (`app.bsky.labeler.defs`; its view objects are AppView output).
    static let appBskyLabelerDefs = LexiconDocument("app.bsky.labeler.defs") {
        Object("labelerPolicies") {
            Required("labelValues", .array(of: .ref("com.atproto.label.defs#labelValue")))
            Field("labelValueDefinitions", .array(of: .ref("com.atproto.label.defs#labelValueDefinition")))
        }
    }
}
