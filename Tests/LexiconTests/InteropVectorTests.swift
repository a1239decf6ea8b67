import IPLD
import Testing
import TestSupport
@testable import Lexicon

@Suite(.enabled(if: SharedFixtures.available, Comment(rawValue: SharedFixtures.skipReason)))
struct InteropVectorTests {
    @Test func validLexiconDocumentsAreAccepted() throws {
        let cases = try Fixtures.cases("interop/lexicon/lexicon-valid.json")
        #expect(cases.count >= 3)
        for c in cases {
            let name = c["name"]?.stringValue ?? "?"
            #expect(throws: Never.self, "\(name)") { _ = try LexiconDocument(value: c["lexicon"] ?? .null) }
        }
    }

    @Test func invalidLexiconDocumentsAreRefused() throws {
        let cases = try Fixtures.cases("interop/lexicon/lexicon-invalid.json")
        #expect(cases.count >= 7)
        for c in cases {
            let name = c["name"]?.stringValue ?? "?"
            let error = #expect(throws: LexiconError.self, "\(name)") { _ = try LexiconDocument(value: c["lexicon"] ?? .null) }
            #expect(error?.kind == .invalidDocument, "\(name)")
            #expect(error?.xrpcError == "InvalidRequest")
        }
    }

    @Test func catalogDocumentsLoad() throws {
        let catalog = try Fixtures.interopCatalog()
        #expect(catalog.documents.count == 5)
        // The procedure example borrows app.bsky.actor.defs#preferences from outside the set.
        #expect(catalog.unresolvedReferences() == ["app.bsky.actor.defs#preferences"])
    }

    @Test func validRecordsValidate() throws {
        let catalog = try Fixtures.interopCatalog()
        let cases = try Fixtures.cases("interop/lexicon/record-data-valid.json")
        #expect(cases.count >= 3)
        for c in cases {
            let name = c["name"]?.stringValue ?? "?"
            let result = catalog.validateRecord(collection: "example.lexicon.record", rkey: c["rkey"]?.stringValue,
                                                value: c["data"] ?? .null)
            #expect(result == .valid, "\(name): \(result)")
        }
    }

    @Test func invalidRecordsFail() throws {
        let catalog = try Fixtures.interopCatalog()
        let cases = try Fixtures.cases("interop/lexicon/record-data-invalid.json")
        #expect(cases.count >= 40)
        for c in cases {
            let name = c["name"]?.stringValue ?? "?"
            let result = catalog.validateRecord(collection: "example.lexicon.record", rkey: c["rkey"]?.stringValue,
                                                value: c["data"] ?? .null)
            guard case .invalid(let error) = result else {
                Issue.record("\(name) was accepted")
                continue
            }
            #expect(error.message.hasPrefix("Record"), "\(name): \(error.message)")
            // Some cases (the "unknown wrong type" ones) also lack the required `integer`, so
            // they fail before reaching the field they are about; with it added they must
            // still fail, for their own reason.
            if name != "missing required field", case .map(var data)? = c["data"], data["integer"] == nil {
                data["integer"] = 1
                let again = catalog.validateRecord(collection: "example.lexicon.record", value: .map(data))
                #expect(again != .valid, "\(name) passes once integer is present")
            }
        }
    }
}
