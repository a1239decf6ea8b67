extension BuiltInLexicons {
    /// Who may start a chat with the account.
    static let chatBskyActorDeclaration = LexiconDocument("chat.bsky.actor.declaration") {
        Record(key: .literal("self")) {
            Required("allowIncoming", .string(knownValues: ["all", "none", "following"]))
            Field("allowGroupInvites", .string(knownValues: ["all", "none", "following"]))
        }
    }
}
