import FuzzSupport
import IPLD
import EventStream

/// The firehose frames: the published wire form (`FirehoseWire`: seq + frame) and the
/// WebSocket frame (`EventFrame.decode`: DAG-CBOR header then body). Both must re-encode to the
/// input. A `#commit` or `#sync` body's `blocks` is read as a CAR, as a consumer does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    if let event = FirehoseWire.decode(bytes) {
        Invariant.check(FirehoseWire.encode(seq: event.seq, frame: event.frame) == bytes, "wire re-encoding differs")
    }
    // The input itself as a WebSocket frame, and the frame after an 8-byte seq.
    frame(bytes)
    if bytes.count > 8 { frame(Array(bytes[8...])) }
    return 0
}

func frame(_ bytes: [UInt8]) {
    guard let (header, body) = try? EventFrame.decode(bytes) else { return }
    Invariant.check(DAGCBOR.encode(header) + DAGCBOR.encode(body) == bytes, "frame re-encoding differs: \(Hex.dump(bytes))")
    guard case .string(let t)? = header["t"], t == EventKind.commit.rawValue || t == EventKind.sync.rawValue,
          case .bytes(let blocks)? = body["blocks"] else { return }
    guard var reader = try? CARReader(bytes: blocks) else { return }
    while let block = try? reader.next() { _ = try? DAGCBOR.decode(block.bytes) }
}
