import IPLD
import Testing

@Suite struct JSONTests {
    @Test func conventionsBothWays() throws {
        let text = #"{"$type":"app.bsky.feed.post","b":{"$bytes":"aGk"},"l":{"$link":"bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"},"n":-5,"s":"a\"\\\n\u00e9\ud83d\ude00"}"#
        let value = try DataModelJSON.parse(text)
        #expect(value["b"] == .bytes(Array("hi".utf8)))
        #expect(value["l"]?.linkValue?.codec == 0x55)
        #expect(value["n"] == -5)
        #expect(value["s"] == .string("a\"\\\né😀"))
        #expect(try DataModelJSON.parse(DataModelJSON.serialize(value)) == value)
    }

    @Test(arguments: [
        "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":01}", "{\"a\":1,\"a\":2}", "{\"a\":1,}", "[1,]", "{\"a\":\"\\x\"}",
        "{\"a\":\"\u{1}\"}", "\"\\ud800\"", "{\"a\":99999999999999999999}", "{\"$link\":\"bafy\"}",
        "{\"$bytes\":\"***\"}", "{\"a\":tru}", "{} {}", "{\"$type\":\"\"}", "{\"$type\":\"blob\",\"size\":1}",
    ])
    func rejects(text: String) {
        #expect(throws: IPLDError.self) { try DataModelJSON.parse(text) }
    }

    @Test func integerLikeFloatIsAnInteger() throws {
        #expect(try DataModelJSON.parse("{\"a\":123.0}")["a"] == 123)
        #expect(try DataModelJSON.parse("-9223372036854775808") == .int(Int64.min))
    }
}
