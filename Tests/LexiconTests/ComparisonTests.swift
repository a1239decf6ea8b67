import Testing
@testable import Lexicon

/// The comparison must report deliberate changes, or the official-document test proves nothing.
struct ComparisonTests {
    let post = LexiconCatalog.builtIn.definition("app.bsky.feed.post")!

    func altered(_ change: (inout ObjectSchema) -> Void) -> LexiconDef {
        guard case .record(var record) = post else { fatalError("post is a record") }
        change(&record.record)
        return .record(record)
    }

    @Test func identicalDefinitionsHaveNoDifferences() {
        #expect(LexiconComparison.differences(expected: post, actual: post).isEmpty)
    }

    @Test func changedConstraintIsReported() {
        let changed = altered { $0.properties["text"] = .string(maxLength: 3000, maxGraphemes: 301) }
        let differences = LexiconComparison.differences(expected: post, actual: changed, at: "app.bsky.feed.post")
        #expect(differences.count == 2)
        #expect(differences.contains { $0.contains("maxGraphemes = 300") && $0.contains("missing") })
        #expect(differences.contains { $0.contains("maxGraphemes = 301") && $0.contains("unexpected") })
    }

    @Test func droppedConstraintIsReported() {
        let changed = altered { $0.properties["text"] = .string(maxLength: 3000) }
        #expect(LexiconComparison.differences(expected: post, actual: changed) == [
            "missing record.record.properties.text.string.maxGraphemes = 300",
        ])
    }

    @Test func requiredAndNullableChangesAreReported() {
        let optionalText = altered { $0.required.removeAll { $0 == "text" } }
        #expect(!LexiconComparison.differences(expected: post, actual: optionalText).isEmpty)
        let nullable = altered { $0.nullable.append("text") }
        #expect(!LexiconComparison.differences(expected: post, actual: nullable).isEmpty)
    }

    @Test func typeFormatAndRefChangesAreReported() {
        let cases: [(inout ObjectSchema) -> Void] = [
            { $0.properties["createdAt"] = .string(format: .datetime, knownValues: ["x"]) },
            { $0.properties["createdAt"] = .string(format: .tid) },
            { $0.properties["createdAt"] = .integer() },
            { $0.properties["reply"] = .ref("app.bsky.feed.post#entity") },
            { $0.properties["labels"] = .union("com.atproto.label.defs#selfLabels", closed: true) },
            { $0.properties["labels"] = .union("com.atproto.label.defs#selfLabels", "app.bsky.feed.post#entity") },
            { $0.properties["langs"] = .array(of: .string(format: .language), maxLength: 4) },
            { $0.properties["extra"] = .boolean() },
            { $0.properties["text"] = nil; $0.required.removeAll { $0 == "text" } },
        ]
        for (i, change) in cases.enumerated() {
            #expect(!LexiconComparison.differences(expected: post, actual: altered(change)).isEmpty, "case \(i)")
        }
    }

    @Test func blobAndDefaultChangesAreReported() {
        let avatar = LexiconType.blob(accept: ["image/png", "image/jpeg"], maxSize: 1_000_000)
        let base = LexiconDef.type(.object(ObjectSchema { Field("avatar", avatar) }))
        for changed: LexiconType in [.blob(accept: ["image/png"], maxSize: 1_000_000), .blob(accept: ["image/png", "image/jpeg"]),
                                     .blob(accept: ["image/*"], maxSize: 1_000_000)] {
            #expect(!LexiconComparison.differences(expected: base, actual: .type(.object(ObjectSchema { Field("avatar", changed) }))).isEmpty)
        }
        let a = LexiconDef.type(.string(knownValues: ["warn"], default: "warn"))
        let b = LexiconDef.type(.string(knownValues: ["warn"], default: "hide"))
        #expect(!LexiconComparison.differences(expected: a, actual: b).isEmpty)
        #expect(!LexiconComparison.differences(expected: .type(.integer(const: 1)), actual: .type(.integer(enum: [1]))).isEmpty)
        #expect(!LexiconComparison.differences(expected: .token, actual: .type(.string())).isEmpty)
    }

    @Test func orderOfListsDoesNotMatter() {
        let a = LexiconDef.type(.union("a.b.c", "d.e.f"))
        let b = LexiconDef.type(.union("d.e.f", "a.b.c"))
        #expect(LexiconComparison.differences(expected: a, actual: b).isEmpty)
    }
}
