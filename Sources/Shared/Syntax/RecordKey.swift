/// A record key: the last path segment of a record's AT-URI and its key in the repo MST.
///
/// Rules: 1–512 characters of `[A-Za-z0-9_~.:-]`, and not `.` or `..` (they would be path
/// traversal in URIs).
public struct RecordKey: SyntaxValue, Comparable {
    public static let maxLength = 512

    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        if let problem = RecordKey.problem(string) {
            throw SyntaxError(.recordKey, input: string, message: problem)
        }
        self.string = string
    }

    public static func isValid(_ string: String) -> Bool { problem(string) == nil }

    /// Byte order, which is also the MST key order.
    public static func < (lhs: RecordKey, rhs: RecordKey) -> Bool { lhs.string.utf8.lexicographicallyPrecedes(rhs.string.utf8) }

    static func problem(_ string: String) -> String? {
        ASCII.withBytes(string) { b -> String? in
            if b.isEmpty { return "empty" }
            if b.count > maxLength { return "longer than \(maxLength) characters" }
            if b.allSatisfy({ $0 == ASCII.dot }), b.count <= 2 { return "\".\" and \"..\" are not allowed" }
            for c in b where !isAllowed(c) {
                return "disallowed character (allowed: A-Z a-z 0-9 _ ~ . : -)"
            }
            return nil
        }
    }

    @inline(__always) static func isAllowed(_ c: UInt8) -> Bool {
        ASCII.isAlnum(c) || c == 0x5F || c == 0x7E || c == ASCII.dot || c == ASCII.colon || c == ASCII.hyphen
    }
}
