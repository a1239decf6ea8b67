extension BuiltInLexicons {
    /// A post.
    static let appBskyFeedPost = LexiconDocument("app.bsky.feed.post") {
        Record(key: .tid) {
            Required("text", .string(maxLength: 3000, maxGraphemes: 300))
            Field("entities", .array(of: .ref("#entity")))
            Field("facets", .array(of: .ref("app.bsky.richtext.facet")))
            Field("reply", .ref("#replyRef"))
            Field("embed", .union("app.bsky.embed.images", "app.bsky.embed.video", "app.bsky.embed.gallery",
                                  "app.bsky.embed.external", "app.bsky.embed.record", "app.bsky.embed.recordWithMedia"))
            Field("langs", .array(of: .string(format: .language), maxLength: 3))
            Field("labels", .union("com.atproto.label.defs#selfLabels"))
            Field("tags", .array(of: .string(maxLength: 640, maxGraphemes: 64), maxLength: 8))
            Required("createdAt", .string(format: .datetime))
        }
        Object("replyRef") {
            Required("root", .ref("com.atproto.repo.strongRef"))
            Required("parent", .ref("com.atproto.repo.strongRef"))
        }
        // Deprecated in favour of facets, still accepted in old records.
        Object("entity") {
            Required("index", .ref("#textSlice"))
            Required("type", .string())
            Required("value", .string())
        }
        Object("textSlice") {
            Required("start", .integer(minimum: 0))
            Required("end", .integer(minimum: 0))
        }
    }

    /// A like of a post (or any record).
    static let appBskyFeedLike = LexiconDocument("app.bsky.feed.like") {
        Record(key: .tid) {
            Required("subject", .ref("com.atproto.repo.strongRef"))
            Required("createdAt", .string(format: .datetime))
            Field("via", .ref("com.atproto.repo.strongRef"))
        }
    }

    /// A repost.
    static let appBskyFeedRepost = LexiconDocument("app.bsky.feed.repost") {
        Record(key: .tid) {
            Required("subject", .ref("com.atproto.repo.strongRef"))
            Required("createdAt", .string(format: .datetime))
            Field("via", .ref("com.atproto.repo.strongRef"))
        }
    }

    /// The declaration of a custom feed, served by a feed generator service.
    static let appBskyFeedGenerator = LexiconDocument("app.bsky.feed.generator") {
        Record(key: .any) {
            Required("did", .string(format: .did))
            Required("displayName", .string(maxLength: 240, maxGraphemes: 24))
            Field("description", .string(maxLength: 3000, maxGraphemes: 300))
            Field("descriptionFacets", .array(of: .ref("app.bsky.richtext.facet")))
            Field("avatar", .blob(accept: ["image/png", "image/jpeg"], maxSize: 1_000_000))
            Field("acceptsInteractions", .boolean())
            Field("labels", .union("com.atproto.label.defs#selfLabels"))
            Field("contentMode", .string(knownValues: [
                "app.bsky.feed.defs#contentModeUnspecified", "app.bsky.feed.defs#contentModeVideo",
            ]))
            Required("createdAt", .string(format: .datetime))
        }
    }

    /// Who may reply to a thread; its rkey is the root post's.
    static let appBskyFeedThreadgate = LexiconDocument("app.bsky.feed.threadgate") {
        Record(key: .tid) {
            Required("post", .string(format: .atURI))
            Field("allow", .array(of: .union("#mentionRule", "#followerRule", "#followingRule", "#listRule"),
                                  maxLength: 5))
            Required("createdAt", .string(format: .datetime))
            Field("hiddenReplies", .array(of: .string(format: .atURI), maxLength: 300))
        }
        Object("mentionRule") {}
        Object("followerRule") {}
        Object("followingRule") {}
        Object("listRule") {
            Required("list", .string(format: .atURI))
        }
    }

    /// Rules on how a post may be embedded (quoted); its rkey is the post's.
    static let appBskyFeedPostgate = LexiconDocument("app.bsky.feed.postgate") {
        Record(key: .tid) {
            Required("createdAt", .string(format: .datetime))
            Required("post", .string(format: .atURI))
            Field("detachedEmbeddingUris", .array(of: .string(format: .atURI), maxLength: 50))
            Field("embeddingRules", .array(of: .union("#disableRule"), maxLength: 5))
        }
        Object("disableRule") {}
    }

    /// The tokens of `app.bsky.feed.defs` (its view objects are AppView output, not records).
    static let appBskyFeedDefs = LexiconDocument("app.bsky.feed.defs") {
        Token("requestLess")
        Token("requestMore")
        Token("clickthroughItem")
        Token("clickthroughAuthor")
        Token("clickthroughReposter")
        Token("clickthroughEmbed")
        Token("contentModeUnspecified")
        Token("contentModeVideo")
        Token("interactionSeen")
        Token("interactionLike")
        Token("interactionRepost")
        Token("interactionReply")
        Token("interactionQuote")
        Token("interactionShare")
    }
}
