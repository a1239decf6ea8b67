/// An atproto handle: a DNS hostname such as `alice.bsky.social`, normalised to lower case.
///
/// Rules: at most 253 characters; two or more `.`-separated labels of 1–63 `[A-Za-z0-9-]`
/// characters that neither start nor end with a hyphen; the last label (TLD) starts with a
/// letter (this is what rules out IP addresses). Reserved TLDs such as `.local` are syntactically
/// fine; whether to allow them for registration is a policy question (see `hasReservedTLD`).
public struct Handle: SyntaxValue {
    public static let maxLength = 253

    /// The placeholder handle shown when a DID's handle fails bidirectional verification.
    public static let invalid = Handle(uncheckedLowercased: "handle.invalid")

    /// TLDs the atproto handle spec says must not be used for real handles.
    public static let reservedTLDs: Set<String> = [
        "alt", "arpa", "example", "internal", "invalid", "local", "localhost", "onion",
    ]

    /// The handle in lower case (handles are case-insensitive; lower case is canonical).
    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        if let problem = Handle.problem(string) {
            throw SyntaxError(.handle, input: string, message: problem)
        }
        self.string = string.lowercased()
    }

    private init(uncheckedLowercased string: String) { self.string = string }

    public static func isValid(_ string: String) -> Bool { problem(string) == nil }

    /// The labels, e.g. `["alice", "bsky", "social"]`.
    public var labels: [String] { string.split(separator: ".").map(String.init) }

    /// The last label, e.g. `social`.
    public var tld: String { String(string[string.index(after: string.lastIndex(of: ".")!)...]) }

    /// True when the TLD is one that must not be used for real accounts.
    public var hasReservedTLD: Bool { Handle.reservedTLDs.contains(tld) }

    static func problem(_ string: String) -> String? {
        ASCII.withBytes(string) { b -> String? in
            if b.isEmpty { return "empty" }
            if b.count > maxLength { return "longer than \(maxLength) characters" }
            var start = 0
            var labels = 0
            for i in 0...b.count where i == b.count || b[i] == ASCII.dot {
                if let problem = ASCII.labelProblem(b, start, i) { return problem }
                labels += 1
                if i == b.count, !ASCII.isAlpha(b[start]) {
                    return "top-level domain must start with a letter"
                }
                start = i + 1
            }
            if labels < 2 { return "must have at least two segments (a domain name)" }
            return nil
        }
    }
}
