import Foundation
import IPLD
import TestSupport
import Testing

/// `../shared/interop/data-model/`: same JSON → same DAG-CBOR bytes → same CID.
@Suite(.enabled(if: SharedFixtures.available, Comment(rawValue: SharedFixtures.skipReason)))
struct DataModelInteropTests {
    @Test func fixturesEncodeToExactBytesAndCID() throws {
        let cases = try SharedFixtures.jsonArray("interop/data-model/data-model-fixtures.json")
        #expect(cases.count >= 2)
        for c in cases {
            let json = try JSONSerialization.data(withJSONObject: c["json"]!)
            let value = try DataModelJSON.parse([UInt8](json))
            let expectedBytes = try #require(Base64.decode(c["cbor_base64"] as! String))
            let encoded = DAGCBOR.encode(value)
            #expect(encoded == expectedBytes)
            #expect(value.cid.string == c["cid"] as! String)
            // And back: the CBOR decodes to the same value, which prints as equivalent JSON.
            let decoded = try DAGCBOR.decode(expectedBytes)
            #expect(decoded == value)
            let reparsed = try DataModelJSON.parse(DataModelJSON.serialize(decoded))
            #expect(reparsed == value)
        }
    }

    @Test func validValuesAccepted() throws {
        for c in try SharedFixtures.jsonArray("interop/data-model/data-model-valid.json") {
            let json = try JSONSerialization.data(withJSONObject: c["json"]!, options: [.fragmentsAllowed])
            let value = try DataModelJSON.parse([UInt8](json))
            #expect(throws: Never.self, "\(c["note"] ?? "")") { try DataModel.validateTopLevel(value) }
        }
    }

    @Test func invalidValuesRejected() throws {
        var accepted = [String]()
        for c in try SharedFixtures.jsonArray("interop/data-model/data-model-invalid.json") {
            let json = try JSONSerialization.data(withJSONObject: c["json"]!, options: [.fragmentsAllowed])
            do {
                let value = try DataModelJSON.parse([UInt8](json))
                try DataModel.validateTopLevel(value)
                accepted.append(c["note"] as? String ?? "?")
            } catch {}
        }
        #expect(accepted.isEmpty, "accepted invalid cases: \(accepted)")
    }
}
