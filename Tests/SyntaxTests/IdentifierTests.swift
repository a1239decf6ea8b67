import Testing
import Syntax

@Suite struct IdentifierTests {
    @Test func handleIsLowerCased() throws {
        let handle = try Handle("Alice.BSKY.Social")
        #expect(handle.string == "alice.bsky.social")
        #expect(handle == (try Handle("alice.bsky.social")))
        #expect(handle.labels == ["alice", "bsky", "social"])
        #expect(handle.tld == "social")
        #expect(!handle.hasReservedTLD)
        #expect((try Handle("laptop.local")).hasReservedTLD)
        #expect(Handle.invalid.string == "handle.invalid")
    }

    @Test func didAccessors() throws {
        let did = try DID("did:plc:7iza6de2dwap2sbkpav7c6c6")
        #expect(did.method == "plc")
        #expect(did.identifier == "7iza6de2dwap2sbkpav7c6c6")
        #expect(did.kind == .plc)
        #expect((try? did.validatedForAtproto()) == did)
        let web = try DID("did:web:localhost%3A1234")
        #expect(web.kind == .web)
        #expect(web.webHost == "localhost:1234")
        #expect(DID.isValidForAtproto("did:web:example.com"))
        #expect(!DID.isValidForAtproto("did:plc:asdf123"))       // generic-valid, plc-invalid
        #expect(DID.isValid("did:plc:asdf123"))
        #expect(!DID.isValidForAtproto("did:example:123"))
        #expect(!DID.isValidForAtproto("did:web:example.com:path"))
        #expect(try DID("did:method:a:b:c").identifier == "a:b:c")
    }

    @Test func nsidAccessors() throws {
        let nsid = try NSID("app.bsky.feed.post")
        #expect(nsid.segments == ["app", "bsky", "feed", "post"])
        #expect(nsid.authority == "feed.bsky.app")
        #expect(nsid.name == "post")
    }

    @Test func atIdentifierPicksAlternative() throws {
        #expect(try ATIdentifier("did:plc:abc").did == DID("did:plc:abc"))
        #expect(try ATIdentifier("did:plc:abc").handle == nil)
        #expect(try ATIdentifier("Bob.Example.COM").handle?.string == "bob.example.com")
    }

    @Test func atURIAccessors() throws {
        let uri = try ATURI("at://did:plc:asdf123/app.bsky.feed.post/3jzfcijpj2z2a")
        #expect(uri.authority.did == (try DID("did:plc:asdf123")))
        #expect(uri.collection == (try NSID("app.bsky.feed.post")))
        #expect(uri.rkey == (try RecordKey("3jzfcijpj2z2a")))
        #expect(uri.string == "at://did:plc:asdf123/app.bsky.feed.post/3jzfcijpj2z2a")

        let repoOnly = try ATURI("at://User.Bsky.Social")
        #expect(repoOnly.authority.handle?.string == "user.bsky.social")
        #expect(repoOnly.collection == nil && repoOnly.rkey == nil)
        #expect(repoOnly.string == "at://User.Bsky.Social")   // spelling preserved

        let collectionOnly = try ATURI("at://did:plc:asdf123/app.bsky.feed.post")
        #expect(collectionOnly.collection?.name == "post")
        #expect(collectionOnly.rkey == nil)
    }

    @Test func atURIBuilder() throws {
        let built = ATURI(authority: ATIdentifier(try DID("did:plc:abc")),
                          collection: try NSID("app.bsky.feed.like"), rkey: try RecordKey("self"))
        #expect(built.string == "at://did:plc:abc/app.bsky.feed.like/self")
        #expect(try ATURI(built.string) == built)
    }

    @Test func recordKeyOrderIsByteOrder() throws {
        #expect(try RecordKey("A") < RecordKey("a"))
        #expect(try RecordKey("3jzfcijpj2z2a") < RecordKey("3jzfcijpj2z2b"))
    }

    @Test func languageTagParts() throws {
        let tag = try LanguageTag("hy-Latn-IT-arevela")
        #expect(tag.parts?.language == "hy")
        #expect(tag.parts?.script == "Latn")
        #expect(tag.parts?.region == "IT")
        #expect(tag.parts?.variants == ["arevela"])
        let ext = try LanguageTag("en-GB-boont-r-extended-sequence-x-private")
        #expect(ext.parts?.extensions == ["r-extended-sequence"])
        #expect(ext.parts?.privateUse == ["private"])
        #expect(try LanguageTag("i-default").parts == nil)   // grandfathered
        #expect(try LanguageTag("x-klingon").primaryLanguage == nil)
        #expect(try LanguageTag("zh-yue-HK").parts?.language == "zh-yue")
        #expect(LanguageTag.isWellFormed("en-a-foo-a-bar") && !LanguageTag.isValid("en-a-foo-a-bar"))
    }

    @Test func genericURIScheme() throws {
        #expect(try GenericURI("https://example.com/x").scheme == "https")
        #expect(!GenericURI.isValid("https:///x"))
        #expect(!GenericURI.isValid("https://ex ample.com"))
    }

    @Test func cidRejectsCIDv0() {
        #expect(!CIDString.isValid("QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR"))
        #expect(CIDString.isValid("bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"))
    }
}

@Suite struct LengthLimitTests {
    @Test func limits() {
        #expect(RecordKey.isValid(String(repeating: "o", count: 512)))
        #expect(!RecordKey.isValid(String(repeating: "o", count: 513)))
        #expect(NSID.isValid("a.b." + String(repeating: "c", count: 63)))
        #expect(!NSID.isValid("a.b." + String(repeating: "c", count: 64)))
        let labels = Array(repeating: String(repeating: "a", count: 49), count: 6).joined(separator: ".")
        #expect(NSID.isValid(labels + ".b" + String(repeating: "c", count: 16)))    // 317
        #expect(!NSID.isValid(labels + ".b" + String(repeating: "c", count: 17)))   // 318
        #expect(Handle.isValid(String(repeating: "a.", count: 126) + "a"))          // 253
        #expect(!Handle.isValid(String(repeating: "a.", count: 126) + "ab"))        // 254
        #expect(DID.isValid("did:m:" + String(repeating: "v", count: 2042)))        // 2048
        #expect(!DID.isValid("did:m:" + String(repeating: "v", count: 2043)))
        #expect(!DID.isValid("did:m:%zz"))
    }
}
