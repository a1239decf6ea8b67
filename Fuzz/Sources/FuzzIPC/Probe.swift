import Foundation

/// A request type that uses every kind of value the IPC body codec carries (strings, signed
/// and unsigned integers of each width, doubles, booleans, `Data` and `[UInt8]`, arrays,
/// dictionaries, optionals, a nested struct), so decoding a fuzzed body reaches each reader.
struct Probe: Codable, Sendable, Equatable {
    struct Nested: Codable, Sendable, Equatable {
        var name: String
        var flags: [Bool]
        var small: Int8?
        var wide: UInt32?
    }

    var text: String
    var int: Int
    var int64: Int64?
    var uint64: UInt64?
    var uint8: UInt8?
    var int16: Int16?
    var double: Double?
    var flag: Bool?
    var data: Data?
    var raw: [UInt8]?
    var strings: [String]?
    var counts: [String: Int]?
    var nested: Nested?
    var nestedList: [Nested]?
    var matrix: [[Int]]?

    /// Doubles compare by bit pattern, so NaN and -0 round-trip checks mean what they say.
    static func == (a: Probe, b: Probe) -> Bool {
        a.text == b.text && a.int == b.int && a.int64 == b.int64 && a.uint64 == b.uint64 && a.uint8 == b.uint8
            && a.int16 == b.int16 && a.double?.bitPattern == b.double?.bitPattern && a.flag == b.flag
            && a.data == b.data && a.raw == b.raw && a.strings == b.strings && a.counts == b.counts
            && a.nested == b.nested && a.nestedList == b.nestedList && a.matrix == b.matrix
    }
}
