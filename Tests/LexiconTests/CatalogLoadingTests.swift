import Foundation
import IPLD
import Testing
@testable import Lexicon

/// `load(directory:)`, as used for an operator's `PDS_LEXICON_DIR`.
struct CatalogLoadingTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lexicon-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("com/example"), withIntermediateDirectories: true)
        return url
    }

    @Test func loadsExtraDocumentsBesideTheBuiltIns() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let doc = #"{"lexicon":1,"id":"com.example.note","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":5},"via":{"type":"ref","ref":"com.atproto.repo.strongRef"}}}}}}"#
        try Data(doc.utf8).write(to: dir.appendingPathComponent("com/example/note.json"))
        try Data("not json".utf8).write(to: dir.appendingPathComponent("README.md"))

        var catalog = LexiconCatalog.builtIn
        #expect(try catalog.load(directory: dir) == 1)
        #expect(catalog.unresolvedReferences().isEmpty)
        let good = try Fixtures.value(#"{"$type":"com.example.note","text":"hi"}"#)
        #expect(catalog.validateRecord(collection: "com.example.note", value: good) == .valid)
        let bad = try Fixtures.value(#"{"$type":"com.example.note","text":"hello!"}"#)
        #expect(catalog.validateRecord(collection: "com.example.note", value: bad) != .valid)
        // The built-ins are still there.
        #expect(catalog.definition("app.bsky.feed.post") != nil)
    }

    @Test func badDocumentNamesItsFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"lexicon":1,"id":"nope","defs":{}}"#.utf8).write(to: dir.appendingPathComponent("com/example/bad.json"))
        var catalog = LexiconCatalog()
        let error = #expect(throws: LexiconError.self) { try catalog.load(directory: dir) }
        #expect(error?.message.contains("bad.json") == true)
        #expect(throws: LexiconError.self) { try catalog.load(directory: dir.appendingPathComponent("missing")) }
    }
}
