import FuzzSupport
import IPLD

/// DAG-CBOR decoding (`DAGCBOR.decode`): strict decoding means one value has one byte form, so
/// a value that decodes must re-encode to exactly the input, and decode again to itself. The
/// data-model checks and the JSON writer run on every decoded value too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    guard let value = try? DAGCBOR.decode(bytes) else { return 0 }
    let encoded = DAGCBOR.encode(value)
    Invariant.check(encoded == bytes, "re-encoding differs: in \(Hex.dump(bytes)) out \(Hex.dump(encoded))")
    guard let again = try? DAGCBOR.decode(encoded) else { Invariant.fail("re-encoded value does not decode") }
    Invariant.check(again == value, "re-decoded value differs")
    Invariant.check(value.cid == CID.compute(.dagCBOR, of: bytes), "CID of the value is not the CID of its bytes")
    _ = try? DataModel.validate(value)
    _ = DataModelJSON.serialize(value)
    return 0
}
