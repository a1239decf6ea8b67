extension BuiltInLexicons {
    /// Rich-text annotations: a byte range of the text plus what it means.
    static let appBskyRichtextFacet = LexiconDocument("app.bsky.richtext.facet") {
        Object("main") {
            Required("index", .ref("#byteSlice"))
            Required("features", .array(of: .union("#mention", "#link", "#tag")))
        }
        Object("mention") {
            Required("did", .string(format: .did))
        }
        Object("link") {
            Required("uri", .string(format: .uri))
        }
        Object("tag") {
            Required("tag", .string(maxLength: 640, maxGraphemes: 64))
        }
        Object("byteSlice") {
            Required("byteStart", .integer(minimum: 0))
            Required("byteEnd", .integer(minimum: 0))
        }
    }
}
