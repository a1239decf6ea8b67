import ATCrypto
import FuzzSupport
import IPLD
import Identity

/// The DID document reader (`DIDDocument(json:)`, what a resolver reads from `plc.directory` or
/// `/.well-known/did.json`) and PLC operations (`PLCOperation(_:)` over the data-model JSON of
/// an operation, as the PLC directory serves them). A document's own JSON form must read back
/// to an equal document; an operation's value must read back to an equal operation. Strings
/// are also tried as `did:key` and `publicKeyMultibase` keys.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    if let document = try? DIDDocument(json: bytes) {
        _ = (document.handle, document.pdsEndpoint, document.signingKey)
        let json = DataModelJSON.serialize(document.value)
        guard let again = try? DIDDocument(json: json) else { Invariant.fail("a document's own JSON does not read") }
        Invariant.check(again == document, "DID document differs after a round trip")
    }
    if let value = try? DataModelJSON.parse(bytes), let operation = try? PLCOperation(value) {
        guard let again = try? PLCOperation(operation.value) else { Invariant.fail("an operation's own value does not read") }
        Invariant.check(again == operation, "PLC operation differs after a round trip")
        _ = operation.cid
        if case .update = operation.kind { _ = operation.genesisDID }
    }
    if let text = FuzzInput.text(bytes), text.utf8.count <= 512 {
        if let key = try? DIDKey.parse(text) {
            Invariant.check((try? DIDKey.parse(DIDKey.format(key)))?.didKey == key.didKey, "did:key round trip differs")
        }
        if let key = try? Multikey.parse(text) {
            Invariant.check((try? Multikey.parse(Multikey.format(key)))?.didKey == key.didKey, "multikey round trip differs")
        }
    }
    return 0
}
