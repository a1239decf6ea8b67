import FuzzSupport
import IPLD
import Repo

/// MST node decoding (`MSTNode.decode`, the canonical fast path with the generic DAG-CBOR
/// fallback). A decoded node must be valid DAG-CBOR (the fast path never accepts what the
/// strict decoder refuses), and its encoding must decode to the same node.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    guard let node = try? MSTNode.decode(bytes) else { return 0 }
    Invariant.check((try? DAGCBOR.decode(bytes)) != nil, "node accepted but not valid DAG-CBOR: \(Hex.dump(bytes))")
    let encoded = node.encode()
    guard let again = try? MSTNode.decode(encoded) else { Invariant.fail("re-encoded node does not decode") }
    Invariant.check(again == node, "re-decoded node differs")
    Invariant.check(again.encode() == encoded, "node encoding is not stable")
    // The generic decoder must agree on the canonical bytes (the fast path took them).
    guard case .map(let map)? = try? DAGCBOR.decode(encoded), case .array(let raw)? = map["e"] else {
        Invariant.fail("canonical node encoding is not a DAG-CBOR map with e")
    }
    Invariant.check(raw.count == node.entries.count, "entry counts differ")
    for e in node.entries { _ = MSTKey.isValid(e.key); _ = MSTKey.height(e.key) }
    return 0
}
