/// Canonical DAG-CBOR encoding of the atproto data model.
///
/// Canonical means: shortest integer and length heads, map keys in length-then-bytewise
/// order (``DataMap`` keeps them so), definite lengths only, CIDs as tag 42 over a byte string
/// with a leading 0x00 (the multibase identity prefix).
public enum DAGCBOR {
    /// Encodes a value to canonical DAG-CBOR bytes.
    public static func encode(_ value: DataValue) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        encode(value, into: &out)
        return out
    }

    /// Appends the canonical encoding of `value` to `out`.
    public static func encode(_ value: DataValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(0xf6)
        case .bool(let b): out.append(b ? 0xf5 : 0xf4)
        case .int(let i):
            if i >= 0 { writeHead(0, UInt64(i), into: &out) } else { writeHead(1, UInt64(-1 - i), into: &out) }
        case .string(let s): writeString(s, into: &out)
        case .bytes(let b):
            writeHead(2, UInt64(b.count), into: &out)
            out.append(contentsOf: b)
        case .link(let cid): writeLink(cid, into: &out)
        case .array(let a):
            writeHead(4, UInt64(a.count), into: &out)
            for v in a { encode(v, into: &out) }
        case .map(let m):
            writeHead(5, UInt64(m.count), into: &out)
            for e in m.entries {
                writeString(e.key, into: &out)
                encode(e.value, into: &out)
            }
        }
    }

    /// Writes a text string (major type 3).
    @inlinable
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { buf in
            writeHead(3, UInt64(buf.count), into: &out)
            out.append(contentsOf: buf)
        }
    }

    /// Writes a CID link (tag 42).
    @inlinable
    public static func writeLink(_ cid: CID, into out: inout [UInt8]) {
        out.append(0xd8)
        out.append(42)
        writeHead(2, UInt64(cid.bytes.count + 1), into: &out)
        out.append(0)
        out.append(contentsOf: cid.bytes)
    }

    /// Writes a major type and argument in the shortest form.
    @inlinable
    public static func writeHead(_ major: UInt8, _ value: UInt64, into out: inout [UInt8]) {
        let m = major << 5
        if value < 24 {
            out.append(m | UInt8(value))
        } else if value <= 0xff {
            out.append(m | 24)
            out.append(UInt8(value))
        } else if value <= 0xffff {
            out.append(m | 25)
            out.append(UInt8(value >> 8))
            out.append(UInt8(truncatingIfNeeded: value))
        } else if value <= 0xffff_ffff {
            out.append(m | 26)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        } else {
            out.append(m | 27)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
    }
}

extension DataValue {
    /// The canonical DAG-CBOR bytes of this value.
    public var dagCBOR: [UInt8] { DAGCBOR.encode(self) }

    /// The CID of this value's DAG-CBOR block (CIDv1, dag-cbor, sha2-256).
    public var cid: CID { CID.compute(.dagCBOR, of: dagCBOR) }
}
