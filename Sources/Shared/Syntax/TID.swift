/// A timestamp identifier: 13 characters of base32-sortable encoding a 64-bit integer whose top
/// bit is 0, then 53 bits of microseconds since the Unix epoch, then a 10-bit clock id.
///
/// The encoding sorts like the integer, so TIDs compare by string. Used as record keys and
/// repo revisions.
public struct TID: SyntaxValue, Comparable {
    /// base32-sortable: digits 2–7 then a–z, in ascending ASCII order so strings sort like numbers.
    static let alphabet: [UInt8] = Array("234567abcdefghijklmnopqrstuvwxyz".utf8)
    /// Maximum clock id (10 bits).
    public static let maxClockID: UInt16 = 0x3FF
    /// Maximum timestamp (53 bits).
    public static let maxTimestampMicros: UInt64 = (1 << 53) - 1

    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        if let problem = TID.problem(string) {
            throw SyntaxError(.tid, input: string, message: problem)
        }
        self.string = string
    }

    /// Encodes a timestamp (masked to 53 bits) and clock id (masked to 10 bits).
    public init(timestampMicros: UInt64, clockID: UInt16) {
        self.init(integer: (timestampMicros & TID.maxTimestampMicros) << 10 | UInt64(clockID & TID.maxClockID))
    }

    /// Encodes a raw 64-bit value; the top bit is cleared.
    public init(integer: UInt64) {
        var value = integer & ~(1 << 63)
        var out = [UInt8](repeating: 0, count: 13)
        for i in stride(from: 12, through: 0, by: -1) {
            out[i] = TID.alphabet[Int(value & 31)]
            value >>= 5
        }
        string = String(decoding: out, as: UTF8.self)
    }

    public static func isValid(_ string: String) -> Bool { problem(string) == nil }

    /// The decoded 64-bit value.
    public var integer: UInt64 {
        string.utf8.reduce(0) { $0 << 5 | UInt64(TID.digit($1)!) }
    }

    /// Microseconds since the Unix epoch.
    public var timestampMicros: UInt64 { integer >> 10 }

    /// The 10-bit clock id that keeps TIDs from different generators apart.
    public var clockID: UInt16 { UInt16(integer & UInt64(TID.maxClockID)) }

    public static func < (lhs: TID, rhs: TID) -> Bool { lhs.string < rhs.string }

    @inline(__always) static func digit(_ c: UInt8) -> UInt8? {
        if c >= 0x32 && c <= 0x37 { return c - 0x32 }
        if ASCII.isLower(c) { return c - 0x61 + 6 }
        return nil
    }

    static func problem(_ string: String) -> String? {
        ASCII.withBytes(string) { b -> String? in
            if b.count != 13 { return "must be exactly 13 characters" }
            for c in b where digit(c) == nil {
                return "disallowed character (base32-sortable: 2-7, a-z)"
            }
            // The first character carries the top 5 bits of a 65-bit field; with only 64 bits
            // its value must be below 16 (`2`–`j`).
            if digit(b[0])! >= 16 { return "high bit must be zero (first character must be 2-7 or a-j)" }
            return nil
        }
    }
}
