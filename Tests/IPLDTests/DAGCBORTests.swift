import IPLD
import TestSupport
import Testing

@Suite struct DAGCBORTests {
    @Test func canonicalKeyOrderIsLengthFirst() {
        let value: DataValue = ["bb": 1, "a": 2, "aaa": 3, "b": 4]
        #expect(value.mapValue!.keys == ["a", "b", "bb", "aaa"])
        // a1 61 'a' ... order a, b, bb, aaa
        let bytes = DAGCBOR.encode(value)
        #expect(bytes.prefix(3) == [0xa4, 0x61, 0x61])
    }

    @Test func shortestIntegerHeads() {
        #expect(DAGCBOR.encode(23) == [0x17])
        #expect(DAGCBOR.encode(24) == [0x18, 24])
        #expect(DAGCBOR.encode(256) == [0x19, 1, 0])
        #expect(DAGCBOR.encode(65536) == [0x1a, 0, 1, 0, 0])
        #expect(DAGCBOR.encode(.int(Int64.max)) == [0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        #expect(DAGCBOR.encode(-1) == [0x20])
        #expect(DAGCBOR.encode(.int(Int64.min)) == [0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    }

    @Test(arguments: [
        ([0x18, 0x05], "non-canonical integer"),
        ([0x19, 0x00, 0x05], "non-canonical integer"),
        ([0xfb, 0, 0, 0, 0, 0, 0, 0, 0], "float"),
        ([0xf9, 0, 0], "half float"),
        ([0xf7], "undefined"),
        ([0x9f, 0xff], "indefinite array"),
        ([0x7f, 0xff], "indefinite string"),
        ([0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02], "unsorted keys"),
        ([0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02], "duplicate keys"),
        ([0xa1, 0x01, 0x01], "integer key"),
        ([0xc1, 0x01], "tag 1"),
        ([0x01, 0x02], "trailing bytes"),
        ([0x62, 0xff, 0xfe], "invalid UTF-8"),
        ([0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0], "uint over Int64.max"),
        ([0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], "huge array length"),
        ([0xd8, 0x2a, 0x45, 0x01, 0x01, 0x01, 0x01, 0x01], "CID without 0x00 prefix"),
        ([], "empty input"),
    ] as [([UInt8], String)])
    func rejectsNonCanonicalInput(bytes: [UInt8], why: String) {
        #expect(throws: IPLDError.self, "\(why)") { try DAGCBOR.decode(bytes) }
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        let bytes = [UInt8](repeating: 0x81, count: 100_000) + [0x01]
        #expect(throws: IPLDError.self) { try DAGCBOR.decode(bytes) }
    }

    @Test func linkRoundTrip() throws {
        let cid = CID.compute(.raw, of: Array("hello".utf8))
        let value: DataValue = ["l": .link(cid), "b": .bytes([1, 2, 3])]
        let decoded = try DAGCBOR.decode(DAGCBOR.encode(value))
        #expect(decoded == value)
        #expect(decoded["l"]?.linkValue == cid)
    }

    @Test func propertyRoundTripAndDeterminism() throws {
        var rng = SeededRandom(seed: 42)
        for i in 0..<2000 {
            let value = RandomData.value(using: &rng, depth: 0)
            let a = DAGCBOR.encode(value)
            let b = DAGCBOR.encode(value)
            #expect(a == b)
            let decoded = try DAGCBOR.decode(a)
            #expect(decoded == value, "case \(i)")
            // The JSON form round-trips too.
            #expect(try DataModelJSON.parse(DataModelJSON.serialize(value)) == value, "json case \(i)")
        }
    }

    @Test func randomAndTruncatedBytesNeverCrash() {
        var rng = SeededRandom(seed: 7)
        var errors = 0
        for _ in 0..<5000 {
            let bytes = rng.bytes(Int.random(in: 0..<64, using: &rng))
            do { _ = try DAGCBOR.decode(bytes) } catch { errors += 1 }
        }
        #expect(errors > 4000)
        for _ in 0..<300 {
            let encoded = DAGCBOR.encode(RandomData.value(using: &rng, depth: 0))
            guard encoded.count > 1 else { continue }
            for cut in stride(from: 0, to: encoded.count, by: max(1, encoded.count / 16)) {
                #expect(throws: IPLDError.self) { try DAGCBOR.decode(Array(encoded[0..<cut])) }
            }
        }
    }
}

/// Random data-model values for property tests.
enum RandomData {
    static func string(using rng: inout SeededRandom) -> String {
        let pool: [String] = ["a", "b", "$type", "text", "é", "日本", "🙂", "createdAt", "", "x\u{0}y", "\"", "\\", "\n"]
        return (0..<Int.random(in: 0...4, using: &rng)).map { _ in pool.randomElement(using: &rng)! }.joined()
    }

    static func value(using rng: inout SeededRandom, depth: Int) -> DataValue {
        let choice = Int.random(in: 0..<(depth > 3 ? 6 : 8), using: &rng)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2:
            let magnitude = [Int64(10), 300, 70_000, 5_000_000_000, Int64.max][Int.random(in: 0..<5, using: &rng)]
            return .int(Int64.random(in: -magnitude...magnitude, using: &rng))
        case 3: return .string(string(using: &rng))
        case 4: return .bytes(rng.bytes(Int.random(in: 0..<40, using: &rng)))
        case 5: return .link(CID.compute(Bool.random(using: &rng) ? .raw : .dagCBOR, of: rng.bytes(8)))
        case 6: return .array((0..<Int.random(in: 0..<5, using: &rng)).map { _ in value(using: &rng, depth: depth + 1) })
        default:
            var pairs = [(String, DataValue)]()
            for _ in 0..<Int.random(in: 0..<6, using: &rng) {
                let key = string(using: &rng)
                // $type, $link and $bytes carry meaning in the JSON form; keep them out of random maps.
                guard !key.hasPrefix("$") else { continue }
                pairs.append((key, value(using: &rng, depth: depth + 1)))
            }
            return .map(DataMap(pairs))
        }
    }
}
