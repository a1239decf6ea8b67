/// A Namespaced Identifier such as `app.bsky.feed.post`: a reversed domain authority followed
/// by a camel-case name.
///
/// Rules: ASCII; at least 3 segments; at most 317 characters; the authority segments (all but
/// the last) are DNS labels, the first one starting with a letter; the name
/// `[A-Za-z][A-Za-z0-9]*` of at most 63 characters. The spec prose also caps the authority at
/// 253 characters, but the interop vectors accept a 283-character authority (as the reference
/// implementations do), so only the overall 317 limit is enforced.
public struct NSID: SyntaxValue {
    public static let maxLength = 317

    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        if let problem = NSID.problem(string) {
            throw SyntaxError(.nsid, input: string, message: problem)
        }
        self.string = string
    }

    public static func isValid(_ string: String) -> Bool { problem(string) == nil }

    /// All segments in written order, e.g. `["app", "bsky", "feed", "post"]`.
    public var segments: [String] { string.split(separator: ".").map(String.init) }

    /// The domain authority in normal DNS order, e.g. `feed.bsky.app`.
    public var authority: String { segments.dropLast().reversed().joined(separator: ".") }

    /// The final segment, e.g. `post`.
    public var name: String { String(string[string.index(after: string.lastIndex(of: ".")!)...]) }

    static func problem(_ string: String) -> String? {
        ASCII.withBytes(string) { b -> String? in
            if b.count > maxLength { return "longer than \(maxLength) characters" }
            guard let lastDot = b.lastIndex(of: ASCII.dot) else { return "must have at least 3 segments" }
            var start = 0
            var segments = 0
            for i in 0...lastDot where i == lastDot || b[i] == ASCII.dot {
                if let problem = ASCII.labelProblem(b, start, i) { return problem }
                if segments == 0, !ASCII.isAlpha(b[start]) { return "first segment must start with a letter" }
                segments += 1
                start = i + 1
            }
            if segments < 2 { return "must have at least 3 segments" }
            let nameLength = b.count - start
            if nameLength == 0 { return "name segment is empty" }
            if nameLength > 63 { return "name segment longer than 63 characters" }
            if !ASCII.isAlpha(b[start]) { return "name segment must start with a letter" }
            for i in start..<b.count where !ASCII.isAlnum(b[i]) {
                return "name segment may contain only letters and digits"
            }
            return nil
        }
    }
}
