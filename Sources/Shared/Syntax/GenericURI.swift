/// A value of the Lexicon `uri` string format: any URI with a scheme, per RFC 3986's scheme
/// rule, with no whitespace and at most 8 KB.
///
/// Rules: `scheme ":" rest` where scheme is `ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")`; `rest`
/// is non-empty printable ASCII (no spaces or controls); after the optional `//` the next
/// character must not be another `/` (so `http:` or `x:///` are rejected, like the reference
/// implementation).
public struct GenericURI: SyntaxValue {
    public static let maxLength = 8 * 1024

    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        if let problem = GenericURI.problem(string) {
            throw SyntaxError(.uri, input: string, message: problem)
        }
        self.string = string
    }

    public static func isValid(_ string: String) -> Bool { problem(string) == nil }

    /// The scheme, e.g. `https` (as written).
    public var scheme: String { String(string.prefix { $0 != ":" }) }

    static func problem(_ string: String) -> String? {
        ASCII.withBytes(string) { b -> String? in
            if b.count > maxLength { return "longer than \(maxLength) characters" }
            guard let first = b.first, ASCII.isAlpha(first) else { return "must start with a scheme (a letter)" }
            var i = 1
            while i < b.count, ASCII.isAlnum(b[i]) || b[i] == 0x2B || b[i] == ASCII.hyphen || b[i] == ASCII.dot {
                i += 1
            }
            guard i < b.count, b[i] == ASCII.colon else { return "missing \"scheme:\"" }
            i += 1
            for j in i..<b.count where !(b[j] > 0x20 && b[j] < 0x7F) {
                return "must be printable ASCII with no whitespace"
            }
            if b.count - i >= 2, b[i] == ASCII.slash, b[i + 1] == ASCII.slash { i += 2 }
            if i == b.count { return "nothing after the scheme" }
            if b[i] == ASCII.slash { return "unexpected \"/\" after the scheme" }
            return nil
        }
    }
}
