import FuzzSupport
import IPLD
import Lexicon

/// The data-model JSON reader (`DataModelJSON.parse`) and the Lexicon validator. A parsed value
/// must serialise to JSON that parses to the same value, and encode to DAG-CBOR that decodes to
/// it. Objects are then checked as records: against the built-in Lexicon their `$type` names
/// (`app.bsky.feed.post` when it names none the catalog knows). An object with a `lexicon` key
/// is read as a Lexicon document instead.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    guard let value = try? DataModelJSON.parse(bytes) else { return 0 }
    let json = DataModelJSON.serialize(value)
    guard let again = try? DataModelJSON.parse(json) else {
        Invariant.fail("serialised JSON does not parse: \(String(decoding: json.prefix(200), as: UTF8.self))")
    }
    Invariant.check(again == value, "JSON round trip differs")
    let cbor = DAGCBOR.encode(value)
    Invariant.check((try? DAGCBOR.decode(cbor)) == value, "DAG-CBOR encoding of a JSON value does not decode to it")
    guard case .map(let map) = value else { return 0 }
    if map["lexicon"] != nil {
        if let document = try? LexiconDocument(json: bytes) {
            _ = LexiconCatalog([document]).unresolvedReferences()
        }
        return 0
    }
    _ = try? DataModel.validateRecord(value)
    var collection = "app.bsky.feed.post"
    if case .string(let type)? = map["$type"], LexiconCatalog.builtIn.definition(type) != nil { collection = type }
    _ = LexiconCatalog.builtIn.validateRecord(collection: collection, value: value)
    _ = BlobRef.all(in: value)
    return 0
}
