import IPLD
import Testing
@testable import Lexicon

/// Real-looking records against the built-in definitions.
struct PostRecordTests {
    static let image = "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy"
    static let post = "bafyreiclp443lavogvhj3d2ob2cxbfuscni2k5jk7bebjzg7khl3esabwq"
    let catalog = LexiconCatalog.builtIn

    /// A post with a mention, a link and a tag facet, two images and a reply.
    static let goodPost = #"""
    {
      "$type": "app.bsky.feed.post",
      "text": "Hi @alice.test, see https://example.com #swift ✨",
      "langs": ["en", "pt-BR"],
      "createdAt": "2024-05-01T12:34:56.789Z",
      "facets": [
        {"index": {"byteStart": 3, "byteEnd": 14},
         "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:7iza6de2dwap2sbkpav7c6c6"}]},
        {"index": {"byteStart": 20, "byteEnd": 39},
         "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com"}]},
        {"index": {"byteStart": 40, "byteEnd": 46},
         "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "swift"}]}
      ],
      "reply": {
        "root": {"uri": "at://did:plc:7iza6de2dwap2sbkpav7c6c6/app.bsky.feed.post/3jzfcijpj2z2a", "cid": "\#(post)"},
        "parent": {"uri": "at://did:plc:7iza6de2dwap2sbkpav7c6c6/app.bsky.feed.post/3jzfcijpj2z2a", "cid": "\#(post)"}
      },
      "embed": {
        "$type": "app.bsky.embed.images",
        "images": [
          {"alt": "A cat on a keyboard",
           "image": {"$type": "blob", "ref": {"$link": "\#(image)"}, "mimeType": "image/jpeg", "size": 345678},
           "aspectRatio": {"width": 1600, "height": 1200}},
          {"alt": "",
           "image": {"$type": "blob", "ref": {"$link": "\#(image)"}, "mimeType": "image/png", "size": 2000000}}
        ]
      },
      "labels": {"$type": "com.atproto.label.defs#selfLabels", "values": [{"val": "nudity"}]},
      "tags": ["cats"]
    }
    """#

    func validate(_ json: String, _ collection: String = "app.bsky.feed.post") throws -> RecordValidation {
        catalog.validateRecord(collection: collection, value: try Fixtures.value(json))
    }

    /// The good post with one substring replaced.
    func broken(_ from: String, _ to: String) throws -> String? {
        let text = Self.goodPost.replacingOccurrences(of: from, with: to)
        #expect(text != Self.goodPost, "fixture edit \(from) did not apply")
        if case .invalid(let error) = try validate(text) { return error.message }
        return nil
    }

    @Test func realisticPostIsValid() throws {
        #expect(try validate(Self.goodPost) == .valid)
    }

    @Test func brokenPostsFail() throws {
        #expect(try broken(#""mimeType": "image/png""#, #""mimeType": "video/mp4""#)?
            .hasPrefix("Record/embed/images/1/image mimeType video/mp4") == true)
        #expect(try broken(#""size": 2000000"#, #""size": 2000001"#)?.hasPrefix("Record/embed/images/1/image is 2000001 bytes") == true)
        #expect(try broken(#""did": "did:plc:7iza6de2dwap2sbkpav7c6c6""#, #""did": "alice.test""#)
            == "Record/facets/0/features/0/did must be a valid did")
        #expect(try broken(#""byteStart": 3"#, #""byteStart": -1"#) == "Record/facets/0/index/byteStart can not be less than 0")
        #expect(try broken(#""tag": "swift""#, #""tag": "\#(String(repeating: "x", count: 65))""#)
            == "Record/facets/2/features/0/tag must not be longer than 64 graphemes")
        #expect(try broken(#""width": 1600"#, #""width": 0"#) == "Record/embed/images/0/aspectRatio/width can not be less than 1")
        #expect(try broken(#""langs": ["en", "pt-BR"]"#, #""langs": ["en", "pt", "de", "fr"]"#)
            == "Record/langs must not have more than 3 elements")
        #expect(try broken(#""createdAt": "2024-05-01T12:34:56.789Z""#, #""createdAt": "yesterday""#)
            == "Record/createdAt must be a valid datetime")
        #expect(try broken(#""parent": {"#, #""parentx": {"#) == #"Record/reply must have the property "parent""#)
        #expect(try broken(#""cid": "\#(Self.post)"}"#, #""cid": "nope"}"#) == "Record/reply/root/cid must be a valid cid")
        #expect(try broken(#""values": [{"val": "nudity"}]"#, #""values": [{"val": 1}]"#) == "Record/labels/values/0/val must be a string")
        #expect(try broken(#""alt": "A cat on a keyboard","#, "") == #"Record/embed/images/0 must have the property "alt""#)
    }

    @Test func textLimitsAreGraphemesAndBytes() throws {
        func post(_ text: String) -> DataValue {
            .map(DataMap([("$type", "app.bsky.feed.post"), ("text", .string(text)), ("createdAt", "2024-05-01T12:00:00Z")]))
        }
        let check = { (text: String) in catalog.validateRecord(collection: "app.bsky.feed.post", value: post(text)) }
        #expect(check(String(repeating: "a", count: 300)) == .valid)
        #expect(check(String(repeating: "a", count: 301)) != .valid)
        // 300 flags: 300 graphemes, 2,400 bytes — within both limits.
        #expect(check(String(repeating: "🇩🇪", count: 300)) == .valid)
        // 200 family emoji: 200 graphemes but 5,000 bytes, over the byte limit.
        #expect(check(String(repeating: "👩‍👩‍👦‍👦", count: 200))
            == .invalid(LexiconError(.invalidValue, "Record/text must not be longer than 3000 bytes")))
        #expect(check("") == .valid)
    }

    @Test func otherEmbedsAndRecords() throws {
        let quote = #"""
        {"$type":"app.bsky.feed.post","text":"","createdAt":"2024-05-01T12:00:00Z",
         "embed":{"$type":"app.bsky.embed.recordWithMedia",
          "record":{"record":{"uri":"at://did:plc:7iza6de2dwap2sbkpav7c6c6/app.bsky.feed.post/3jzfcijpj2z2a","cid":"\#(Self.post)"}},
          "media":{"$type":"app.bsky.embed.video","video":{"$type":"blob","ref":{"$link":"\#(Self.image)"},"mimeType":"video/mp4","size":1000},
                   "captions":[{"lang":"en","file":{"$type":"blob","ref":{"$link":"\#(Self.image)"},"mimeType":"text/vtt","size":10}}]}}}
        """#
        #expect(try validate(quote) == .valid)
        let external = #"""
        {"$type":"app.bsky.feed.post","text":"link","createdAt":"2024-05-01T12:00:00Z",
         "embed":{"$type":"app.bsky.embed.external","external":{"uri":"https://example.com","title":"t","description":"d"}}}
        """#
        #expect(try validate(external) == .valid)
        // The embed union is open: a type this server does not know passes unchecked.
        let future = #"{"$type":"app.bsky.feed.post","text":"x","createdAt":"2024-05-01T12:00:00Z","embed":{"$type":"app.bsky.embed.future","z":1}}"#
        #expect(try validate(future) == .valid)

        let like = #"{"$type":"app.bsky.feed.like","subject":{"uri":"at://did:plc:7iza6de2dwap2sbkpav7c6c6/app.bsky.feed.post/3jzfcijpj2z2a","cid":"\#(Self.post)"},"createdAt":"2024-05-01T12:00:00Z"}"#
        #expect(try validate(like, "app.bsky.feed.like") == .valid)
        let follow = #"{"$type":"app.bsky.graph.follow","subject":"did:plc:7iza6de2dwap2sbkpav7c6c6","createdAt":"2024-05-01T12:00:00Z"}"#
        #expect(try validate(follow, "app.bsky.graph.follow") == .valid)
        #expect(try validate(follow.replacingOccurrences(of: "did:plc:", with: "plc:"), "app.bsky.graph.follow") != .valid)
        let profile = #"{"$type":"app.bsky.actor.profile","displayName":"Alice","avatar":{"$type":"blob","ref":{"$link":"\#(Self.image)"},"mimeType":"image/webp","size":10}}"#
        #expect(try validate(profile, "app.bsky.actor.profile") != .valid)
        let gate = #"{"$type":"app.bsky.feed.threadgate","post":"at://did:plc:7iza6de2dwap2sbkpav7c6c6/app.bsky.feed.post/3jzfcijpj2z2a","createdAt":"2024-05-01T12:00:00Z","allow":[{"$type":"app.bsky.feed.threadgate#mentionRule"},{"$type":"app.bsky.feed.threadgate#listRule","list":"at://did:plc:7iza6de2dwap2sbkpav7c6c6/app.bsky.graph.list/3jzfcijpj2z2a"}]}"#
        #expect(try validate(gate, "app.bsky.feed.threadgate") == .valid)
        let list = #"{"$type":"app.bsky.graph.list","name":"Mods","purpose":"app.bsky.graph.defs#modlist","createdAt":"2024-05-01T12:00:00Z"}"#
        #expect(try validate(list, "app.bsky.graph.list") == .valid)
        #expect(try validate(list.replacingOccurrences(of: #""Mods""#, with: #""""#), "app.bsky.graph.list") != .valid)
    }

    @Test func builtInCatalogIsComplete() {
        #expect(catalog.unresolvedReferences().isEmpty)
        for type in LexiconCatalog.builtInRecordTypes {
            guard case .record = catalog.definition(type) else {
                Issue.record("\(type) is not a built-in record")
                continue
            }
        }
    }
}
