/// A published event on the wire: 8-byte big-endian seq, then the frame.
/// Gateways decode it back into a `StreamEvent`.
public enum FirehoseWire {
    public static func encode(seq: Int64, frame: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(8 + frame.count)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: seq >> Int64(shift))) }
        return out + frame
    }

    public static func decode(_ payload: [UInt8]) -> StreamEvent? {
        guard payload.count > 8 else { return nil }
        let seq = payload[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return StreamEvent(seq: seq, frame: Array(payload[8...]))
    }
}

