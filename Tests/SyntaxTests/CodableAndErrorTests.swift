import Foundation
import Testing
import Syntax

@Suite struct CodableAndErrorTests {
    struct Record: Codable, Equatable {
        var did: DID
        var handle: Handle
        var nsid: NSID
        var uri: ATURI
        var tid: TID
        var rkey: RecordKey
        var createdAt: ATDatetime
        var lang: LanguageTag
        var cid: CIDString
        var actor: ATIdentifier
        var link: GenericURI
    }

    private func sample() throws -> Record {
        Record(did: try DID("did:plc:7iza6de2dwap2sbkpav7c6c6"), handle: try Handle("alice.test"),
               nsid: try NSID("app.bsky.feed.post"), uri: try ATURI("at://alice.test/app.bsky.feed.post/abc"),
               tid: try TID("3jzfcijpj2z2a"), rkey: try RecordKey("self"),
               createdAt: try ATDatetime("2024-01-01T00:00:00.000Z"), lang: try LanguageTag("pt-BR"),
               cid: try CIDString("bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"),
               actor: try ATIdentifier("did:web:example.com"), link: try GenericURI("https://example.com"))
    }

    @Test func encodesAsPlainStrings() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(try sample()), as: UTF8.self)
        #expect(json.contains("\"did\":\"did:plc:7iza6de2dwap2sbkpav7c6c6\""))
        #expect(json.contains("\"createdAt\":\"2024-01-01T00:00:00.000Z\""))
        #expect(json.contains("\"actor\":\"did:web:example.com\""))
        let decoded = try JSONDecoder().decode(Record.self, from: Data(json.utf8))
        #expect(decoded == (try sample()))
    }

    @Test func decodingValidates() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Handle].self, from: Data(#"["jo_hn.test"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([TID].self, from: Data(#"["zzzzzzzzzzzzz"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([DID].self, from: Data("[42]".utf8)) }
    }

    @Test func decodingNormalisesHandles() throws {
        let handles = try JSONDecoder().decode([Handle].self, from: Data(#"["ALICE.Test"]"#.utf8))
        #expect(handles.first?.string == "alice.test")
    }

    @Test func errorsCarryKindInputAndMessage() {
        do {
            _ = try Handle("jo_hn.test")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .handle)
            #expect(error.input == "jo_hn.test")
            #expect(error.message == "disallowed character in segment")
            #expect(error.xrpcError == "InvalidRequest")
            #expect(error.description == #"Invalid handle "jo_hn.test": disallowed character in segment"#)
        }
    }

    @Test func errorInputIsTruncated() {
        let long = "did:method:" + String(repeating: "v", count: 3000)
        #expect(throws: SyntaxError.self) { try DID(long) }
        do { _ = try DID(long) } catch {
            #expect(error.input.count == SyntaxError.maxInputLength + 1)
            #expect(error.input.hasSuffix("…"))
            #expect(error.message.contains("2048"))
        }
    }

    @Test(arguments: [
        ("at://did:plc:abc/app.bsky.feed.post/", "empty"),
        ("at://did:plc:abc/notnsid", "NSID"),
        ("at://did:plc:abc/app.bsky.feed.post/a/b", "too many"),
        ("https://did:plc:abc", "at://"),
    ])
    func atURIErrorsExplain(input: String, fragment: String) {
        do {
            _ = try ATURI(input)
            Issue.record("\(input) should be rejected")
        } catch {
            #expect(error.kind == .atURI)
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func datetimeErrorsExplain() {
        #expect(throws: SyntaxError(.datetime, input: "1985-13-12T23:20:50.123Z", message: "month out of range")) {
            try ATDatetime("1985-13-12T23:20:50.123Z")
        }
        #expect(throws: SyntaxError(.languageTag, input: "de-DE-1901-1901", message: "repeated variant subtag")) {
            try LanguageTag("de-DE-1901-1901")
        }
    }
}
