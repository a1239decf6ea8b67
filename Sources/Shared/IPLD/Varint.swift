/// Unsigned LEB128 varints as multiformats uses them (CIDs, multicodec prefixes, CAR framing).
public enum Varint {
    /// Appends the minimal encoding of `value`.
    @inlinable
    public static func encode(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// The minimal encoding of `value`.
    public static func encode(_ value: UInt64) -> [UInt8] {
        var out = [UInt8]()
        encode(value, into: &out)
        return out
    }

    /// Decodes a varint at `offset`, returning the value and the number of bytes read.
    /// Refuses non-minimal encodings and anything over 9 bytes (multiformats' limit, 63 bits).
    public static func decode<C: RandomAccessCollection>(_ bytes: C, at offset: C.Index) throws(IPLDError) -> (value: UInt64, length: Int)
    where C.Element == UInt8 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        var length = 0
        while true {
            guard index != bytes.endIndex else { throw IPLDError(.varint, "truncated varint") }
            let byte = bytes[index]
            length += 1
            guard length <= 9 else { throw IPLDError(.varint, "varint longer than 9 bytes") }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && length > 1 { throw IPLDError(.varint, "non-minimal varint") }
                return (value, length)
            }
            shift += 7
            index = bytes.index(after: index)
        }
    }
}
