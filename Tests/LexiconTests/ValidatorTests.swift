import IPLD
import Testing
@testable import Lexicon

/// Focused checks of the generic validator, on small schemas written with the DSL.
struct ValidatorTests {
    static let blobCID = "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy"

    let catalog = LexiconCatalog([
        LexiconDocument("com.example.test") {
            Record(key: .any) {
                Field("short", .string(maxLength: 4))
                Field("few", .string(maxGraphemes: 2))
                Field("many", .string(minGraphemes: 3))
                Field("bytesMin", .string(minLength: 3))
                Field("open", .union("#a", "#b"))
                Field("closed", .union("#a", closed: true))
                Field("image", .blob(accept: ["image/*"], maxSize: 1000))
                Field("anyBlob", .blob())
                Field("exact", .blob(accept: ["image/png", "text/plain"]))
                Field("maybe", .string(), nullable: true)
                Required("must", .integer(), nullable: true)
                Field("embed", .ref("#embed"))
                Field("token", .ref("#tok"))
                Field("data", .bytes(maxLength: 2))
                Field("link", .cidLink)
                Field("thing", .unknown)
                Field("flag", .boolean(const: true))
                Field("known", .string(knownValues: ["a", "b"]))
            }
            Object("a") { Required("x", .integer(minimum: 0, maximum: 9)) }
            Object("b") { Field("y", .string(format: .did)) }
            Object("embed") { Required("images", .array(of: .ref("#image"), maxLength: 2)) }
            Object("image") { Required("alt", .string(maxGraphemes: 1000)) }
            Token("tok")
        },
    ])

    func check(_ json: String) throws -> RecordValidation {
        catalog.validateRecord(collection: "com.example.test", value: try Fixtures.value(json))
    }

    func message(_ json: String) throws -> String? {
        if case .invalid(let error) = try check(json) { return error.message }
        return nil
    }

    func blob(_ mime: String, _ size: Int) -> String {
        #"{"$type":"blob","ref":{"$link":"\#(Self.blobCID)"},"mimeType":"\#(mime)","size":\#(size)}"#
    }

    @Test func maxLengthCountsUTF8Bytes() throws {
        #expect(try check(#"{"must":1,"short":"abcd"}"#) == .valid)
        // Two characters, but six bytes.
        #expect(try message(#"{"must":1,"short":"éèà"}"#) == "Record/short must not be longer than 4 bytes")
        #expect(try message(#"{"must":1,"bytesMin":"ab"}"#) == "Record/bytesMin must not be shorter than 3 bytes")
        #expect(try check(#"{"must":1,"bytesMin":"é…"}"#) == .valid)
    }

    @Test func graphemesCountClusters() throws {
        // A family emoji is one grapheme of 25 bytes; a flag is one grapheme of two scalars.
        #expect(try check(#"{"must":1,"few":"👩‍👩‍👦‍👦🇩🇪"}"#) == .valid)
        #expect(try message(#"{"must":1,"few":"👩‍👩‍👦‍👦🇩🇪a"}"#) == "Record/few must not be longer than 2 graphemes")
        #expect(try check(#"{"must":1,"few":"e\u0301e\u0301"}"#) == .valid)
        #expect(try message(#"{"must":1,"many":"🇩🇪🇩🇪"}"#) == "Record/many must not be shorter than 3 graphemes")
        #expect(try check(#"{"must":1,"many":"abc"}"#) == .valid)
    }

    @Test func openUnionsAcceptUnknownTypesClosedOnesDoNot() throws {
        #expect(try check(#"{"must":1,"open":{"$type":"com.example.other","x":"anything"}}"#) == .valid)
        #expect(try check(#"{"must":1,"open":{"$type":"com.example.test#b","y":"did:plc:abc"}}"#) == .valid)
        #expect(try message(#"{"must":1,"open":{"$type":"com.example.test#a","x":10}}"#) == "Record/open/x can not be greater than 9")
        #expect(try message(#"{"must":1,"open":{"x":1}}"#)?.contains("$type") == true)
        #expect(try message(#"{"must":1,"closed":{"$type":"com.example.other"}}"#) == "Record/closed $type must be one of com.example.test#a")
        #expect(try check(#"{"must":1,"closed":{"$type":"com.example.test#a","x":1}}"#) == .valid)
    }

    @Test func unionMembersMatchWithOrWithoutMain() throws {
        let c = LexiconCatalog([
            LexiconDocument("com.example.embed") { Object("main") { Required("n", .integer()) } },
            LexiconDocument("com.example.host") { Record(key: .tid) { Field("e", .union("com.example.embed")) } },
        ])
        for type in ["com.example.embed", "com.example.embed#main"] {
            let ok = try Fixtures.value(#"{"e":{"$type":"\#(type)","n":1}}"#)
            #expect(c.validateRecord(collection: "com.example.host", value: ok) == .valid)
            let bad = try Fixtures.value(#"{"e":{"$type":"\#(type)"}}"#)
            #expect(c.validateRecord(collection: "com.example.host", value: bad) != .valid)
        }
    }

    @Test func blobAcceptPatternsAndMaxSize() throws {
        #expect(try check(#"{"must":1,"image":\#(blob("image/webp", 1000))}"#) == .valid)
        #expect(try message(#"{"must":1,"image":\#(blob("video/mp4", 10))}"#)?.hasPrefix("Record/image mimeType video/mp4") == true)
        #expect(try message(#"{"must":1,"image":\#(blob("image/png", 1001))}"#) == "Record/image is 1001 bytes, larger than the maximum of 1000 bytes")
        #expect(try check(#"{"must":1,"anyBlob":\#(blob("application/octet-stream", 1 << 40))}"#) == .valid)
        #expect(try check(#"{"must":1,"exact":\#(blob("text/plain", 1))}"#) == .valid)
        #expect(try check(#"{"must":1,"exact":\#(blob("image/jpeg", 1))}"#) != .valid)
        #expect(try message(#"{"must":1,"image":{"mimeType":"image/png","size":1}}"#) == "Record/image should be a blob ref")
    }

    @Test func mimePatterns() {
        #expect(MIMEPattern.matches("*/*", "anything/at-all"))
        #expect(MIMEPattern.matches("image/*", "image/png"))
        #expect(MIMEPattern.matches("image/*", "IMAGE/PNG"))
        #expect(!MIMEPattern.matches("image/*", "image/"))
        #expect(!MIMEPattern.matches("image/*", "imagex/png"))
        #expect(!MIMEPattern.matches("image/*", "video/mp4"))
        #expect(MIMEPattern.matches("text/vtt", "text/vtt"))
        #expect(!MIMEPattern.matches("text/vtt", "text/vttx"))
        #expect(!MIMEPattern.matches("text/vtt", "text/vt"))
        #expect(MIMEPattern.isValid("image/*") && !MIMEPattern.isValid("image") && !MIMEPattern.isValid("/png"))
    }

    @Test func nullableAndRequired() throws {
        #expect(try message(#"{}"#) == #"Record must have the property "must""#)
        #expect(try check(#"{"must":null}"#) == .valid)
        #expect(try check(#"{"must":1,"maybe":null}"#) == .valid)
        #expect(try message(#"{"must":1,"short":null}"#) == "Record/short must be a string")
        #expect(try message(#"{"must":"1"}"#) == "Record/must must be an integer")
    }

    @Test func refsTokensBytesLinksUnknownAndConst() throws {
        #expect(try check(#"{"must":1,"token":"com.example.test#tok"}"#) == .valid)
        #expect(try check(#"{"must":1,"token":"com.example.test#other"}"#) != .valid)
        #expect(try message(#"{"must":1,"data":{"$bytes":"AAAA"}}"#) == "Record/data must not be larger than 2 bytes")
        #expect(try check(#"{"must":1,"data":{"$bytes":"AAA"}}"#) == .valid)
        #expect(try message(#"{"must":1,"link":"\#(Self.blobCID)"}"#) == "Record/link must be a CID link")
        #expect(try check(#"{"must":1,"link":{"$link":"\#(Self.blobCID)"}}"#) == .valid)
        #expect(try check(#"{"must":1,"thing":{"$type":"com.example.whatever","deep":[1,2]}}"#) == .valid)
        #expect(try message(#"{"must":1,"thing":[1]}"#) == "Record/thing must be an object")
        #expect(try message(#"{"must":1,"thing":\#(blob("image/png", 1))}"#) == "Record/thing must be an object, not a blob")
        #expect(try message(#"{"must":1,"flag":false}"#) == "Record/flag must be true")
        // knownValues suggest, they do not restrict.
        #expect(try check(#"{"must":1,"known":"zzz"}"#) == .valid)
    }

    @Test func errorsNameTheFullPath() throws {
        let long = String(repeating: "é", count: 1001)
        let error = try message(#"{"must":1,"embed":{"images":[{"alt":"ok"},{"alt":"\#(long)"}]}}"#)
        #expect(error == "Record/embed/images/1/alt must not be longer than 1000 graphemes")
        #expect(try message(#"{"must":1,"embed":{"images":[{"alt":"a"},{"alt":"b"},{"alt":"c"}]}}"#)
            == "Record/embed/images must not have more than 2 elements")
        if case .invalid(let e) = try check(#"{"must":"x"}"#) { #expect(e.xrpcError == "InvalidRequest") }
    }

    @Test func everyStringFormat() throws {
        let good: [StringFormat: String] = [
            .atIdentifier: "did:plc:7iza6de2dwap2sbkpav7c6c6", .atURI: "at://alice.test/app.bsky.feed.post/3jzfcijpj2z2a",
            .cid: Self.blobCID, .datetime: "2024-01-01T00:00:00.000Z", .did: "did:web:example.com",
            .handle: "alice.test", .language: "pt-BR", .nsid: "app.bsky.feed.post", .recordKey: "self",
            .tid: "3jzfcijpj2z2a", .uri: "https://example.com/x?y=1",
        ]
        let bad: [StringFormat: String] = [
            .atIdentifier: "not an id", .atURI: "https://example.com", .cid: "bafy", .datetime: "2024-01-01",
            .did: "did:PLC:x", .handle: "-bad-.test", .language: "12", .nsid: "nodots", .recordKey: "..",
            .tid: "3jzfcijpj2z2", .uri: "no-scheme",
        ]
        #expect(good.count == StringFormat.allCases.count && bad.count == StringFormat.allCases.count)
        for format in StringFormat.allCases {
            let c = LexiconCatalog([LexiconDocument("com.example.fmt") { Record(key: .any) { Field("f", .string(format: format)) } }])
            let ok = c.validateRecord(collection: "com.example.fmt", value: .map(DataMap([("f", .string(good[format]!))])))
            #expect(ok == .valid, "\(format) \(good[format]!)")
            let no = c.validateRecord(collection: "com.example.fmt", value: .map(DataMap([("f", .string(bad[format]!))])))
            #expect(no == .invalid(LexiconError(.invalidValue, "Record/f must be a valid \(format.rawValue)")), "\(format)")
        }
    }

    @Test func recordTypeAndKeyChecks() throws {
        #expect(catalog.validateRecord(collection: "com.example.unknown", value: [:]) == .unknownType)
        #expect(RecordValidation.unknownType.validationStatus == "unknown")
        #expect(RecordValidation.valid.validationStatus == "valid")
        let wrongType = try Fixtures.value(#"{"$type":"com.example.other","must":1}"#)
        #expect(catalog.validateRecord(collection: "com.example.test", value: wrongType) != .valid)
        let like = LexiconCatalog.builtIn
        let ok = try Fixtures.value(#"{"$type":"app.bsky.actor.profile","displayName":"Al"}"#)
        #expect(like.validateRecord(collection: "app.bsky.actor.profile", rkey: "self", value: ok) == .valid)
        #expect(like.validateRecord(collection: "app.bsky.actor.profile", rkey: "other", value: ok) != .valid)
        #expect(like.validateRecord(collection: "app.bsky.actor.profile", value: .string("x")) != .valid)
    }

    @Test func missingDefinitionIsReported() throws {
        let c = LexiconCatalog([LexiconDocument("com.example.dangling") { Record(key: .any) { Field("x", .ref("com.example.gone")) } }])
        #expect(c.unresolvedReferences() == ["com.example.gone"])
        guard case .invalid(let error) = c.validateRecord(collection: "com.example.dangling", value: try Fixtures.value(#"{"x":{}}"#)) else {
            Issue.record("accepted a ref to nothing")
            return
        }
        #expect(error.kind == .missingDefinition)
    }
}
