/// A BCP 47 language tag (RFC 5646), e.g. `en`, `pt-BR`, `zh-Hant`, `en-GB-oed`.
///
/// `init(_:)` requires the tag to be well-formed *and* valid in the RFC 5646 §2.2.9 sense that
/// no variant and no extension singleton appears twice (compared case-insensitively).
/// atproto profile: the primary language subtag must be written in lower case (the interop
/// vectors reject `JA`); the rest of the tag is case-insensitive. Registry lookups are not done.
public struct LanguageTag: SyntaxValue {
    /// Irregular and regular grandfathered tags that do not fit the normal grammar (RFC 5646 §2.1).
    static let grandfathered: Set<String> = [
        "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux",
        "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de",
        "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan",
        "zh-xiang",
    ]

    /// The parts of a tag that follows the normal grammar.
    public struct Parts: Hashable, Sendable {
        /// Primary language plus any extended language subtags, e.g. `zh-yue`; empty for a
        /// private-use-only tag such as `x-klingon`.
        public var language: String = ""
        public var script: String?
        public var region: String?
        public var variants: [String] = []
        /// Each extension with its singleton, e.g. `u-co-phonebk`.
        public var extensions: [String] = []
        /// Private-use subtags after `x-`.
        public var privateUse: [String] = []
    }

    public let string: String
    /// The parsed parts, or nil for a grandfathered tag.
    public let parts: Parts?

    public init(_ string: String) throws(SyntaxError) {
        switch LanguageTag.parse(string) {
        case .success(let parts):
            self.string = string
            self.parts = parts
        case .failure(let problem):
            throw SyntaxError(.languageTag, input: string, message: problem.message)
        }
    }

    /// Well-formed and valid (no repeated variants or singletons).
    public static func isValid(_ string: String) -> Bool {
        if case .success = parse(string) { return true }
        return false
    }

    /// Well-formed per the grammar only; repeated variants or singletons are not checked.
    public static func isWellFormed(_ string: String) -> Bool {
        switch parse(string) {
        case .success: true
        case .failure(let problem): problem.wellFormed
        }
    }

    /// The primary language subtag, e.g. `en` (nil for private-use-only tags).
    public var primaryLanguage: String? {
        let first = string.prefix { $0 != "-" }
        return first.lowercased() == "x" ? nil : String(first)
    }

    struct Problem: Error {
        let message: String
        /// True when the tag parsed but failed the duplicate-subtag validity rule.
        var wellFormed = false
    }

    static func parse(_ string: String) -> Result<Parts?, Problem> {
        let subtags = string.split(separator: "-", omittingEmptySubsequences: false)
        for subtag in subtags {
            guard (1...8).contains(subtag.utf8.count), subtag.utf8.allSatisfy(ASCII.isAlnum) else {
                return .failure(Problem(message: "subtags must be 1-8 ASCII letters or digits separated by \"-\""))
            }
        }
        if subtags[0].utf8.contains(where: ASCII.isUpper), subtags[0] != "X" {
            return .failure(Problem(message: "primary language subtag must be lower case"))
        }
        if grandfathered.contains(string.lowercased()) { return .success(nil) }
        var parts = Parts()
        var i = 0
        let first = subtags[0]
        if first.lowercased() != "x" {
            guard first.utf8.allSatisfy(ASCII.isAlpha), [2, 3, 5, 6, 7, 8].contains(first.utf8.count) else {
                return .failure(Problem(message: "primary language must be 2-3 or 5-8 letters"))
            }
            var language = String(first)
            i = 1
            // Up to three 3-letter extended language subtags, only after a 2-3 letter language.
            var extlangs = 0
            while first.utf8.count <= 3, extlangs < 3, i < subtags.count, isAlpha(subtags[i], 3) {
                language += "-" + subtags[i]
                extlangs += 1
                i += 1
            }
            parts.language = language
            if i < subtags.count, isAlpha(subtags[i], 4) {
                parts.script = String(subtags[i])
                i += 1
            }
            if i < subtags.count, isAlpha(subtags[i], 2) || isDigits(subtags[i], 3) {
                parts.region = String(subtags[i])
                i += 1
            }
            while i < subtags.count, isVariant(subtags[i]) {
                parts.variants.append(String(subtags[i]))
                i += 1
            }
            while i < subtags.count, subtags[i].utf8.count == 1, subtags[i].lowercased() != "x" {
                var ext = String(subtags[i])
                i += 1
                let start = i
                while i < subtags.count, subtags[i].utf8.count >= 2 {
                    ext += "-" + subtags[i]
                    i += 1
                }
                if i == start {
                    return .failure(Problem(message: "extension \"\(ext)\" needs at least one 2-8 character subtag"))
                }
                parts.extensions.append(ext)
            }
        }
        if i < subtags.count, subtags[i].lowercased() == "x" {
            i += 1
            if i == subtags.count { return .failure(Problem(message: "private use \"x\" needs at least one subtag")) }
            parts.privateUse = subtags[i...].map(String.init)
            i = subtags.count
        }
        if i < subtags.count {
            return .failure(Problem(message: "unexpected subtag \"\(subtags[i])\""))
        }
        // Validity (RFC 5646 §2.2.5, §2.2.6): no repeated variant or extension singleton.
        let variants = parts.variants.map { $0.lowercased() }
        if Set(variants).count != variants.count {
            return .failure(Problem(message: "repeated variant subtag", wellFormed: true))
        }
        let singletons = parts.extensions.map { $0.prefix(1).lowercased() }
        if Set(singletons).count != singletons.count {
            return .failure(Problem(message: "repeated extension singleton", wellFormed: true))
        }
        return .success(parts)
    }

    private static func isAlpha(_ s: Substring, _ count: Int) -> Bool {
        s.utf8.count == count && s.utf8.allSatisfy(ASCII.isAlpha)
    }

    private static func isDigits(_ s: Substring, _ count: Int) -> Bool {
        s.utf8.count == count && s.utf8.allSatisfy(ASCII.isDigit)
    }

    /// 5–8 alphanumerics, or a digit followed by 3 alphanumerics.
    private static func isVariant(_ s: Substring) -> Bool {
        let n = s.utf8.count
        return (5...8).contains(n) || (n == 4 && ASCII.isDigit(s.utf8.first!))
    }
}
