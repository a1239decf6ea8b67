import IPLD
import Syntax

extension ValueValidator {
    mutating func validateString(_ value: DataValue, _ schema: StringSchema) throws(LexiconError) {
        guard case .string(let s) = value else { throw fail("must be a string") }
        if let c = schema.const, s != c { throw fail("must be \(c)") }
        if let e = schema.enumValues, !e.contains(s) { throw fail("must be one of (\(e.joined(separator: "|")))") }
        // Native Swift strings know their UTF-8 length without a scan.
        let bytes = s.utf8.count
        if let max = schema.maxLength, bytes > max { throw fail("must not be longer than \(max) bytes") }
        if let min = schema.minLength, bytes < min { throw fail("must not be shorter than \(min) bytes") }
        // A grapheme is at least one byte, so the byte count bounds the grapheme count and
        // most strings never need the (slower) grapheme walk.
        if let max = schema.maxGraphemes, bytes > max, Self.graphemes(in: s, upTo: max + 1) > max {
            throw fail("must not be longer than \(max) graphemes")
        }
        if let min = schema.minGraphemes, bytes < min || Self.graphemes(in: s, upTo: min) < min {
            throw fail("must not be shorter than \(min) graphemes")
        }
        if let format = schema.format, !Self.matches(s, format) {
            throw fail("must be a valid \(format.rawValue)")
        }
    }

    /// Extended grapheme clusters in `s`, counting no further than `limit`.
    static func graphemes(in s: String, upTo limit: Int) -> Int {
        var n = 0
        for _ in s {
            n += 1
            if n >= limit { break }
        }
        return n
    }

    static func matches(_ s: String, _ format: StringFormat) -> Bool {
        switch format {
        case .atIdentifier: ATIdentifier.isValid(s)
        case .atURI: ATURI.isValid(s)
        case .cid: CIDString.isValid(s)
        case .datetime: ATDatetime.isValid(s)
        case .did: DID.isValid(s)
        case .handle: Handle.isValid(s)
        case .language: LanguageTag.isValid(s)
        case .nsid: NSID.isValid(s)
        case .recordKey: RecordKey.isValid(s)
        case .tid: TID.isValid(s)
        case .uri: GenericURI.isValid(s)
        }
    }
}
