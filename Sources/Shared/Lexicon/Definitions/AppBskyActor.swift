extension BuiltInLexicons {
    /// The account's profile, one per repo.
    static let appBskyActorProfile = LexiconDocument("app.bsky.actor.profile") {
        Record(key: .literal("self")) {
            Field("displayName", .string(maxLength: 640, maxGraphemes: 64))
            Field("description", .string(maxLength: 2560, maxGraphemes: 256))
            Field("pronouns", .string(maxLength: 200, maxGraphemes: 20))
            Field("website", .string(format: .uri))
            Field("avatar", .blob(accept: ["image/png", "image/jpeg"], maxSize: 1_000_000))
            Field("banner", .blob(accept: ["image/png", "image/jpeg"], maxSize: 1_000_000))
            Field("labels", .union("com.atproto.label.defs#selfLabels"))
            Field("joinedViaStarterPack", .ref("com.atproto.repo.strongRef"))
            Field("pinnedPost", .ref("com.atproto.repo.strongRef"))
            Field("createdAt", .string(format: .datetime))
        }
    }
}
