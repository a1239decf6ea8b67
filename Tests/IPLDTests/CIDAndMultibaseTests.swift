import IPLD
import TestSupport
import Testing

@Suite struct CIDAndMultibaseTests {
    @Test func cidStringRoundTrip() throws {
        let s = "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"
        let cid = try CID(string: s)
        #expect(cid.string == s)
        #expect(cid.version == 1)
        #expect(cid.codec == 0x71)
        #expect(cid.isATProtoBlessed)
        #expect(try CID(bytes: cid.bytes) == cid)
    }

    @Test func rawCIDOfKnownBytes() {
        // sha256("") raw CID, a well-known value.
        #expect(CID.compute(.raw, of: [UInt8]()).string == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
    }

    @Test func cidV0Parses() throws {
        let cid = try CID(string: "QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuPU")
        #expect(cid.version == 0)
        #expect(cid.string == "QmY7Yh4UquoXHLPFo2XbhXkhBvFoPwmQUSa92pxnxjQuPU")
    }

    @Test(arguments: ["", "b", "bafyreid", "Bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a",
                      "zdj7WhuEjrB52m1BisYCtmjH1hSKa7yZ3jEZ9JcXaFRD51wVz", "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2",
                      "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2aa"])
    func badCIDStringsRejected(s: String) {
        #expect(throws: IPLDError.self) { try CID(string: s) }
    }

    @Test func base32AndBase58RoundTrip() throws {
        var rng = SeededRandom(seed: 1)
        for n in 0..<64 {
            var bytes = rng.bytes(n)
            if n % 5 == 0 { bytes.insert(contentsOf: [0, 0], at: 0) }
            #expect(try Base32.decode(Base32.encode(bytes)) == bytes)
            #expect(try Base58BTC.decode(Base58BTC.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base58BTC.encode(Array("hello world".utf8)) == "StV1DL6CwTryKyV")
        #expect(Base64.encode(Array("hi".utf8)) == "aGk")
    }

    /// The byte-wise decoder: padding, substrings of a larger string, the two alphabets, and
    /// lengths no encoding produces.
    @Test func base64DecodingEdges() {
        #expect(Base64.decode("aGk=") == Array("hi".utf8))
        #expect(Base64.decode("aGVsbG8gd29ybGQ=") == Array("hello world".utf8))
        #expect(Base64.decode("") == [])
        #expect(Base64.decode("a") == nil)
        #expect(Base64.decode("aGk*") == nil)
        let jwt = "eyJhbGciOiJFUzI1NiJ9.e30.sig"
        let first = jwt.split(separator: ".")[0]
        #expect(Base64URL.decode(first) == Array("{\"alg\":\"ES256\"}".utf8))
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64URL.decode("+/8") == nil)
        #expect(Base64URL.decode("aGk=") == nil)
        #expect(Base64.decode("+/8") == [0xfb, 0xff])
    }

    @Test func varintMinimalAndBounded() throws {
        #expect(Varint.encode(300) == [0xac, 0x02])
        #expect(try Varint.decode([0xac, 0x02], at: 0).value == 300)
        #expect(throws: IPLDError.self) { try Varint.decode([0x80, 0x00], at: 0) }
        #expect(throws: IPLDError.self) { try Varint.decode([UInt8](repeating: 0xff, count: 12), at: 0) }
        #expect(throws: IPLDError.self) { try Varint.decode([0x80], at: 0) }
    }
}
