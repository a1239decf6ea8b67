import Foundation
import IPLD
import TestSupport
@testable import Lexicon

/// Reading test input: JSON text as data-model values, and the shared interop files.
enum Fixtures {
    static func value(_ json: String) throws -> DataValue { try DataModelJSON.parse(json) }

    /// A shared JSON array file (`interop/lexicon/…`) read as data-model values, so `$bytes`
    /// and `$link` become bytes and links as they would on the wire.
    static func cases(_ relativePath: String) throws -> [DataMap] {
        let data = try SharedFixtures.data(relativePath)
        guard case .array(let items) = try DataModelJSON.parse([UInt8](data)) else { return [] }
        return items.compactMap(\.mapValue)
    }

    /// The interop catalog (`interop/lexicon/catalog`), test input only.
    static func interopCatalog() throws -> LexiconCatalog {
        var catalog = LexiconCatalog()
        try catalog.load(directory: SharedFixtures.url("interop/lexicon/catalog"))
        return catalog
    }

    /// An official document from `shared/lexicons`, or nil when absent.
    static func official(_ nsid: String) throws -> LexiconDocument? {
        let url = SharedFixtures.url("lexicons/" + nsid.split(separator: ".").joined(separator: "/") + ".json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try LexiconDocument(json: [UInt8](try Data(contentsOf: url)))
    }
}
