extension BuiltInLexicons {
    /// Width and height, used to lay media out before it loads.
    static let appBskyEmbedDefs = LexiconDocument("app.bsky.embed.defs") {
        Object("aspectRatio") {
            Required("width", .integer(minimum: 1))
            Required("height", .integer(minimum: 1))
        }
    }

    /// Up to four images in a post.
    static let appBskyEmbedImages = LexiconDocument("app.bsky.embed.images") {
        Object("main") {
            Required("images", .array(of: .ref("#image"), maxLength: 4))
        }
        Object("image") {
            Required("image", .blob(accept: ["image/*"], maxSize: 2_000_000))
            Required("alt", .string())
            Field("aspectRatio", .ref("app.bsky.embed.defs#aspectRatio"))
        }
    }

    /// Up to twenty images, each with its aspect ratio.
    static let appBskyEmbedGallery = LexiconDocument("app.bsky.embed.gallery") {
        Object("main") {
            Required("items", .array(of: .union("#image"), maxLength: 20))
        }
        Object("image") {
            Required("image", .blob(accept: ["image/*"], maxSize: 2_000_000))
            Required("alt", .string())
            Required("aspectRatio", .ref("app.bsky.embed.defs#aspectRatio"))
        }
    }

    /// A link card.
    static let appBskyEmbedExternal = LexiconDocument("app.bsky.embed.external") {
        Object("main") {
            Required("external", .ref("#external"))
        }
        Object("external") {
            Required("uri", .string(format: .uri))
            Required("title", .string())
            Required("description", .string())
            Field("thumb", .blob(accept: ["image/*"], maxSize: 1_000_000))
            Field("associatedRefs", .array(of: .ref("com.atproto.repo.strongRef")))
        }
    }

    /// A quoted record.
    static let appBskyEmbedRecord = LexiconDocument("app.bsky.embed.record") {
        Object("main") {
            Required("record", .ref("com.atproto.repo.strongRef"))
        }
    }

    /// A quoted record together with media.
    static let appBskyEmbedRecordWithMedia = LexiconDocument("app.bsky.embed.recordWithMedia") {
        Object("main") {
            Required("record", .ref("app.bsky.embed.record"))
            Required("media", .union("app.bsky.embed.images", "app.bsky.embed.video", "app.bsky.embed.gallery",
                                     "app.bsky.embed.external"))
        }
    }

    /// A video with optional captions.
    static let appBskyEmbedVideo = LexiconDocument("app.bsky.embed.video") {
        Object("main") {
            Required("video", .blob(accept: ["video/mp4"], maxSize: 300_000_000))
            Field("captions", .array(of: .ref("#caption"), maxLength: 20))
            Field("alt", .string())
            Field("aspectRatio", .ref("app.bsky.embed.defs#aspectRatio"))
            Field("presentation", .string(knownValues: ["default", "gif"]))
        }
        Object("caption") {
            Required("lang", .string(format: .language))
            Required("file", .blob(accept: ["text/vtt"], maxSize: 20_000))
        }
    }
}
