/// The project's own Lexicon definitions: the record types a PDS validates and every
/// definition they refer to, written as Swift (one file per NSID group) and checked against
/// the official documents by a test.
enum BuiltInLexicons {
    /// The collections validated on write.
    static let recordTypes: [String] = [
        "app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.feed.repost", "app.bsky.graph.follow",
        "app.bsky.graph.block", "app.bsky.graph.list", "app.bsky.graph.listitem", "app.bsky.actor.profile",
        "app.bsky.feed.generator", "app.bsky.feed.threadgate", "app.bsky.feed.postgate",
        "app.bsky.graph.starterpack", "app.bsky.labeler.service", "chat.bsky.actor.declaration",
    ]

    static let documents: [LexiconDocument] = [
        appBskyFeedPost, appBskyFeedLike, appBskyFeedRepost, appBskyFeedGenerator, appBskyFeedThreadgate,
        appBskyFeedPostgate, appBskyFeedDefs,
        appBskyGraphFollow, appBskyGraphBlock, appBskyGraphList, appBskyGraphListitem, appBskyGraphStarterpack,
        appBskyGraphDefs,
        appBskyActorProfile,
        appBskyLabelerService, appBskyLabelerDefs,
        appBskyEmbedDefs, appBskyEmbedImages, appBskyEmbedGallery, appBskyEmbedExternal, appBskyEmbedRecord,
        appBskyEmbedRecordWithMedia, appBskyEmbedVideo,
        appBskyRichtextFacet,
        chatBskyActorDeclaration,
        comAtprotoRepoStrongRef, comAtprotoLabelDefs, comAtprotoModerationDefs,
    ]
}

extension LexiconCatalog {
    /// The collections the built-in catalog validates.
    public static var builtInRecordTypes: [String] { BuiltInLexicons.recordTypes }
}
