import Foundation
import Testing
@testable import IPC

@Suite struct BinaryCodecTests {
    enum Shape: Codable, Equatable {
        case circle(radius: Double)
        case polygon([Int], label: String?)
        case empty
    }

    enum Level: String, Codable { case low, high }

    struct Inner: Codable, Equatable {
        var name: String
        var tags: [String]
    }

    struct Everything: Codable, Equatable {
        var int: Int
        var negative: Int64
        var small: Int8
        var unsigned: UInt64
        var byte: UInt8
        var double: Double
        var float: Float
        var flag: Bool
        var text: String
        var emptyText: String
        var unicode: String
        var optionalSet: String?
        var optionalNil: Int?
        var data: Data
        var bytes: [UInt8]
        var date: Date
        var inner: Inner
        var inners: [Inner]
        var nested: [[Int]]
        var dictionary: [String: Inner]
        var intKeys: [Int: String]
        var optionals: [Int?]
        var shapes: [Shape]
        var level: Level
        var empty: Empty
    }

    static let sample = Everything(
        int: 42, negative: .min, small: -3, unsigned: .max, byte: 255, double: -0.5, float: 1.25, flag: true,
        text: "hello", emptyText: "", unicode: "ẞtraße — 🌍", optionalSet: "x", optionalNil: nil,
        data: Data([0, 1, 2, 255]), bytes: Array(0...255), date: Date(timeIntervalSince1970: 1_700_000_000.25),
        inner: Inner(name: "a", tags: ["b", "c"]), inners: [Inner(name: "d", tags: []), Inner(name: "e", tags: ["f"])],
        nested: [[], [1], [2, 3]],
        dictionary: Dictionary(uniqueKeysWithValues: (0..<40).map { ("k\($0)", Inner(name: "\($0)", tags: [])) }),
        intKeys: [1: "one", -2: "minus two"], optionals: [1, nil, 3],
        shapes: [.circle(radius: 2), .polygon([1, 2], label: nil), .polygon([], label: "p"), .empty],
        level: .high, empty: Empty())

    @Test func roundTripsTheCodableDataModel() throws {
        let bytes = try RPCCodec.encode(Self.sample)
        #expect(bytes.first == BinaryCodec.marker)
        #expect(try RPCCodec.decode(Everything.self, from: bytes) == Self.sample)
    }

    @Test func roundTripsTopLevelScalarsAndCollections() throws {
        #expect(try RPCCodec.decode(String.self, from: RPCCodec.encode("plain")) == "plain")
        #expect(try RPCCodec.decode(Int.self, from: RPCCodec.encode(-7)) == -7)
        #expect(try RPCCodec.decode([String].self, from: RPCCodec.encode(["a", "b"])) == ["a", "b"])
        #expect(try RPCCodec.decode(Data.self, from: RPCCodec.encode(Data([9, 8]))) == Data([9, 8]))
        #expect(try RPCCodec.decode(Int?.self, from: RPCCodec.encode(Int?.none)) == nil)
        #expect(try RPCCodec.decode(Empty.self, from: RPCCodec.encode(Empty())) == Empty())
    }

    /// Numbers convert between types only exactly, as with JSON.
    @Test func convertsNumbersOnlyExactly() throws {
        #expect(try RPCCodec.decode(UInt8.self, from: RPCCodec.encode(200)) == 200)
        #expect(throws: IPCError.self) { try RPCCodec.decode(UInt8.self, from: RPCCodec.encode(300)) }
        #expect(throws: IPCError.self) { try RPCCodec.decode(UInt.self, from: RPCCodec.encode(-1)) }
        #expect(try RPCCodec.decode(Int.self, from: RPCCodec.encode(3.0)) == 3)
        #expect(throws: IPCError.self) { try RPCCodec.decode(Int.self, from: RPCCodec.encode(3.5)) }
        #expect(try RPCCodec.decode(Double.self, from: RPCCodec.encode(7)) == 7)
    }

    struct Twisted: Codable, Equatable {
        var a: [Int]
        var b: String
        enum CodingKeys: String, CodingKey { case a, b }

        init(a: [Int], b: String) {
            self.a = a
            self.b = b
        }

        /// Fills a nested container after its parent has moved on: legal Codable, but not
        /// something a one-pass writer can follow.
        func encode(to encoder: any Encoder) throws {
            var keyed = encoder.container(keyedBy: CodingKeys.self)
            var list = keyed.nestedUnkeyedContainer(forKey: .a)
            try keyed.encode(b, forKey: .b)
            for x in a { try list.encode(x) }
        }
    }

    @Test func fallsBackToJSONForOutOfOrderContainers() throws {
        let value = Twisted(a: [1, 2], b: "z")
        let bytes = try RPCCodec.encode(value)
        #expect(bytes.first == UInt8(ascii: "{"))
        #expect(try RPCCodec.decode(Twisted.self, from: bytes) == value)
    }

    @Test func readsJSONBodies() throws {
        let json = Array(#"{"name":"n","tags":["t"]}"#.utf8)
        #expect(try RPCCodec.decode(Inner.self, from: json) == Inner(name: "n", tags: ["t"]))
    }

    @Test func rejectsMalformedBodies() throws {
        let bytes = try RPCCodec.encode(Self.sample)
        for cut in [1, 2, 10, bytes.count / 2, bytes.count - 1] {
            #expect(throws: IPCError.self) { try RPCCodec.decode(Everything.self, from: Array(bytes.prefix(cut))) }
        }
        #expect(throws: IPCError.self) { try RPCCodec.decode(Everything.self, from: bytes + [0]) }
        #expect(throws: IPCError.self) { try RPCCodec.decode(Inner.self, from: [BinaryCodec.marker, 0x7F]) }
        // A count far larger than the input must fail, not allocate or loop forever.
        #expect(throws: IPCError.self) { try RPCCodec.decode([Int].self, from: [BinaryCodec.marker, 8, 0xFF, 0xFF, 0xFF, 0xFF]) }
    }
}
