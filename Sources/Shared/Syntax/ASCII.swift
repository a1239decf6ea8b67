// Byte-level helpers shared by the scanners. Validators run on every record write, so they
// work on UTF-8 bytes directly instead of regexes or Character iteration.

typealias Bytes = UnsafeBufferPointer<UInt8>

enum ASCII {
    static let dot: UInt8 = 0x2E
    static let hyphen: UInt8 = 0x2D
    static let colon: UInt8 = 0x3A
    static let slash: UInt8 = 0x2F
    static let percent: UInt8 = 0x25

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { isLower(b | 0x20) }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) &- 0x61 < 6 }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b | 0x20 : b }

    /// Runs `body` over the string's UTF-8 bytes without copying when the string is native.
    @inline(__always)
    static func withBytes<R>(_ string: String, _ body: (Bytes) -> R) -> R {
        var copy = string
        return copy.withUTF8(body)
    }

    /// One DNS-style label: 1–63 of `[A-Za-z0-9-]`, not starting or ending with a hyphen.
    /// Returns a problem description, or nil when the label is fine.
    static func labelProblem(_ b: Bytes, _ start: Int, _ end: Int) -> String? {
        let length = end - start
        if length == 0 { return "empty segment" }
        if length > 63 { return "segment longer than 63 characters" }
        if b[start] == hyphen || b[end - 1] == hyphen { return "segment starts or ends with a hyphen" }
        for i in start..<end where !(isAlnum(b[i]) || b[i] == hyphen) {
            return "disallowed character in segment"
        }
        return nil
    }
}
