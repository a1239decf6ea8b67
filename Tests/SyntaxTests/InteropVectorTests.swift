import Testing
import TestSupport
import Syntax

/// Runs every line of `interop/syntax/<name>.txt` through `accepts` and reports the lines whose
/// outcome differs from `expected` (quoted, truncated to 80 characters).
private func failures(_ name: String, expected: Bool, _ accepts: (String) -> Bool) throws -> [String] {
    let lines = try SharedFixtures.lines("interop/syntax/\(name).txt")
    #expect(!lines.isEmpty, "no cases in \(name).txt")
    return lines.filter { accepts($0) != expected }.map { String($0.prefix(80)).debugDescription }
}

/// Accepts only when both the throwing init and the cheap `isValid` accept, so a line on which
/// the two entry points disagree fails in the valid file, and is caught by the invalid file's
/// mirror check (`either`).
private func both<T: SyntaxValue>(_ type: T.Type, _ isValid: @escaping (String) -> Bool) -> (String) -> Bool {
    { line in (try? T(line)) != nil && isValid(line) }
}

/// Accepts when either entry point accepts; used for invalid files so both must reject.
private func either<T: SyntaxValue>(_ type: T.Type, _ isValid: @escaping (String) -> Bool) -> (String) -> Bool {
    { line in (try? T(line)) != nil || isValid(line) }
}

private let interop = ConditionTrait.enabled(if: SharedFixtures.available, Comment(rawValue: SharedFixtures.skipReason))

@Suite("Interop syntax vectors", interop)
struct InteropVectorTests {
    /// Runs a valid/invalid file pair.
    private func pair<T: SyntaxValue>(_ stem: String, _ type: T.Type, _ isValid: @escaping (String) -> Bool) throws {
        let badValid = try failures("\(stem)_syntax_valid", expected: true, both(type, isValid))
        #expect(badValid.isEmpty, "\(stem)_syntax_valid.txt: rejected \(badValid)")
        let badInvalid = try failures("\(stem)_syntax_invalid", expected: false, either(type, isValid))
        #expect(badInvalid.isEmpty, "\(stem)_syntax_invalid.txt: accepted \(badInvalid)")
    }

    @Test func did() throws { try pair("did", DID.self, DID.isValid) }
    @Test func handle() throws { try pair("handle", Handle.self, Handle.isValid) }
    @Test func nsid() throws { try pair("nsid", NSID.self, NSID.isValid) }
    @Test func atURI() throws { try pair("aturi", ATURI.self, ATURI.isValid) }
    @Test func atIdentifier() throws { try pair("atidentifier", ATIdentifier.self, ATIdentifier.isValid) }
    @Test func tid() throws { try pair("tid", TID.self, TID.isValid) }
    @Test func recordKey() throws { try pair("recordkey", RecordKey.self, RecordKey.isValid) }
    @Test func cid() throws { try pair("cid", CIDString.self, CIDString.isValid) }
    @Test func uri() throws { try pair("uri", GenericURI.self, GenericURI.isValid) }
    @Test func datetime() throws { try pair("datetime", ATDatetime.self, ATDatetime.isValid) }
    @Test func language() throws { try pair("language", LanguageTag.self, LanguageTag.isValid) }

    @Test func datetimeSyntaxOnlyAcceptsValid() throws {
        let bad = try failures("datetime_syntax_valid", expected: true, ATDatetime.isWellFormed)
        #expect(bad.isEmpty, "isWellFormed rejected valid datetimes \(bad)")
        let badInvalid = try failures("datetime_syntax_invalid", expected: false, ATDatetime.isWellFormed)
        #expect(badInvalid.isEmpty, "isWellFormed accepted invalid datetimes \(badInvalid)")
    }

    @Test func datetimeParseInvalid() throws {
        // Well-formed, so the syntax check must pass; the semantic parse must fail.
        let notWellFormed = try failures("datetime_parse_invalid", expected: true, ATDatetime.isWellFormed)
        #expect(notWellFormed.isEmpty, "datetime_parse_invalid.txt: syntax check rejected \(notWellFormed)")
        let accepted = try failures("datetime_parse_invalid", expected: false, either(ATDatetime.self, ATDatetime.isValid))
        #expect(accepted.isEmpty, "datetime_parse_invalid.txt: accepted \(accepted)")
    }

    @Test func languageParseInvalid() throws {
        let notWellFormed = try failures("language_parse_invalid", expected: true, LanguageTag.isWellFormed)
        #expect(notWellFormed.isEmpty, "language_parse_invalid.txt: syntax check rejected \(notWellFormed)")
        let accepted = try failures("language_parse_invalid", expected: false, either(LanguageTag.self, LanguageTag.isValid))
        #expect(accepted.isEmpty, "language_parse_invalid.txt: accepted \(accepted)")
    }

    @Test func languageWellFormedAcceptsValid() throws {
        let bad = try failures("language_syntax_valid", expected: true, LanguageTag.isWellFormed)
        #expect(bad.isEmpty, "isWellFormed rejected valid tags \(bad)")
        let badInvalid = try failures("language_syntax_invalid", expected: false, LanguageTag.isWellFormed)
        #expect(badInvalid.isEmpty, "isWellFormed accepted invalid tags \(badInvalid)")
    }
}
