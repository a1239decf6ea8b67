import Testing
import TestSupport
@testable import Lexicon

/// The built-in definitions against the official documents in `../shared/lexicons`.
@Suite(.enabled(if: SharedFixtures.available, Comment(rawValue: SharedFixtures.skipReason)))
struct OfficialComparisonTests {
    /// Splits a qualified reference into document and definition name.
    static func split(_ ref: String) -> (document: String, def: String) {
        guard let hash = ref.firstIndex(of: "#") else { return (ref, "main") }
        return (String(ref[..<hash]), String(ref[ref.index(after: hash)...]))
    }

    /// Every definition the record types reach through refs and unions, in the official documents.
    static func officialClosure() throws -> [String: LexiconDef] {
        var documents = [String: LexiconDocument]()
        var found = [String: LexiconDef]()
        var queue = BuiltInLexicons.recordTypes
        while let ref = queue.popLast() {
            if found[ref] != nil { continue }
            let (nsid, name) = split(ref)
            if documents[nsid] == nil { documents[nsid] = try Fixtures.official(nsid) }
            guard let def = documents[nsid]?.defs[name] else {
                Issue.record("official lexicons lack \(ref)")
                continue
            }
            found[ref] = def
            def.forEachRef { queue.append($0) }
        }
        return found
    }

    @Test func everyReferencedDefinitionIsBuiltInAndIdentical() throws {
        let closure = try Self.officialClosure()
        #expect(closure.count > 40)
        for (ref, official) in closure.sorted(by: { $0.key < $1.key }) {
            guard let builtIn = LexiconCatalog.builtIn.definition(ref) else {
                Issue.record("no built-in definition for \(ref)")
                continue
            }
            let differences = LexiconComparison.differences(expected: official, actual: builtIn, at: ref)
            #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        }
    }

    @Test func everyBuiltInDefinitionMatchesItsOfficialDocument() throws {
        var compared = 0
        for document in BuiltInLexicons.documents {
            guard let official = try Fixtures.official(document.id) else {
                Issue.record("no official document \(document.id)")
                continue
            }
            for (name, builtIn) in document.defs.sorted(by: { $0.key < $1.key }) {
                let ref = document.ref(name)
                guard let expected = official.defs[name] else {
                    Issue.record("\(ref) is not in the official document")
                    continue
                }
                let differences = LexiconComparison.differences(expected: expected, actual: builtIn, at: ref)
                #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
                // A key the reader skipped could hide a constraint the comparison cannot see.
                let skipped = official.unrecognizedKeys.filter { $0 == "defs.\(name)" || $0.hasPrefix("defs.\(name).") }
                #expect(skipped.isEmpty, "\(ref): unread keys \(skipped)")
                compared += 1
            }
        }
        #expect(compared > 60)
    }

    @Test func everyOfficialDocumentParses() throws {
        // The whole official set, not only the records: the reader must accept real documents.
        let root = SharedFixtures.url("lexicons")
        var catalog = LexiconCatalog()
        let count = try catalog.load(directory: root)
        #expect(count > 300)
        #expect(catalog.unresolvedReferences().isEmpty, "\(catalog.unresolvedReferences())")
    }
}
