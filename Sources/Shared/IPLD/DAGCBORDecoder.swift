/// Strict DAG-CBOR decoding for atproto.
///
/// Refuses everything canonical encoding would never produce, so one value has exactly one
/// byte form and a CID computed over re-encoded data always matches: floats, non-shortest
/// heads, indefinite lengths, unsorted or duplicate map keys, non-string keys, tags other
/// than 42, undefined/simple values, invalid UTF-8 and trailing bytes. Depth and lengths are
/// bounded so hostile input costs at most its own size in memory.
extension DAGCBOR {
    /// Limits applied while decoding.
    public struct Limits: Sendable {
        /// Maximum nesting of arrays and maps.
        public var maxDepth: Int
        public init(maxDepth: Int = 128) { self.maxDepth = maxDepth }
    }

    /// Decodes exactly one value spanning all of `bytes`.
    public static func decode(_ bytes: [UInt8], limits: Limits = Limits()) throws(IPLDError) -> DataValue {
        try bytes.withUnsafeBufferPointer { (buf) throws(IPLDError) -> DataValue in
            try decode(buf, limits: limits)
        }
    }

    /// Decodes exactly one value spanning all of `buffer`.
    public static func decode(_ buffer: UnsafeBufferPointer<UInt8>, limits: Limits = Limits()) throws(IPLDError) -> DataValue {
        var reader = Reader(buf: buffer, pos: 0, maxDepth: limits.maxDepth)
        let value = try reader.readValue(depth: 0)
        guard reader.pos == buffer.count else { throw IPLDError(.cbor, "trailing bytes after value") }
        return value
    }

    struct Reader {
        let buf: UnsafeBufferPointer<UInt8>
        var pos: Int
        let maxDepth: Int

        var remaining: Int { buf.count - pos }

        mutating func byte() throws(IPLDError) -> UInt8 {
            guard pos < buf.count else { throw IPLDError(.cbor, "unexpected end of input") }
            defer { pos += 1 }
            return buf[pos]
        }

        /// Reads a head's argument, refusing non-shortest forms and indefinite lengths.
        mutating func argument(_ info: UInt8) throws(IPLDError) -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24:
                let v = UInt64(try byte())
                guard v >= 24 else { throw IPLDError(.cbor, "non-canonical integer encoding") }
                return v
            case 25, 26, 27:
                let n = 1 << Int(info - 24)
                guard remaining >= n else { throw IPLDError(.cbor, "unexpected end of input") }
                var v: UInt64 = 0
                for i in 0..<n { v = (v << 8) | UInt64(buf[pos + i]) }
                pos += n
                let minimum: UInt64 = n == 2 ? 0x100 : n == 4 ? 0x1_0000 : 0x1_0000_0000
                guard v >= minimum else { throw IPLDError(.cbor, "non-canonical integer encoding") }
                return v
            case 31: throw IPLDError(.cbor, "indefinite-length items are not allowed")
            default: throw IPLDError(.cbor, "reserved additional information \(info)")
            }
        }

        mutating func length(_ info: UInt8) throws(IPLDError) -> Int {
            let v = try argument(info)
            // Every item takes at least one byte, so a count larger than what is left is a lie.
            guard v <= UInt64(remaining) else { throw IPLDError(.cbor, "length exceeds input") }
            return Int(v)
        }

        mutating func readString(_ info: UInt8) throws(IPLDError) -> String {
            let n = try length(info)
            let slice = UnsafeBufferPointer(rebasing: buf[pos..<pos + n])
            guard let s = String(validating: slice, as: UTF8.self) else {
                throw IPLDError(.cbor, "invalid UTF-8 in text string")
            }
            pos += n
            return s
        }

        mutating func readValue(depth: Int) throws(IPLDError) -> DataValue {
            let initial = try byte()
            let major = initial >> 5
            let info = initial & 0x1f
            switch major {
            case 0:
                let v = try argument(info)
                guard v <= UInt64(Int64.max) else { throw IPLDError(.cbor, "integer out of 64-bit signed range") }
                return .int(Int64(v))
            case 1:
                let v = try argument(info)
                guard v <= UInt64(Int64.max) else { throw IPLDError(.cbor, "integer out of 64-bit signed range") }
                return .int(-1 - Int64(v))
            case 2:
                let n = try length(info)
                defer { pos += n }
                return .bytes(Array(buf[pos..<pos + n]))
            case 3:
                return .string(try readString(info))
            case 4:
                guard depth < maxDepth else { throw IPLDError(.cbor, "nesting too deep") }
                let n = try length(info)
                var items = [DataValue]()
                // The count is only bounded by the input's length; reserving it at every
                // nesting level let 1 MB of nested arrays reserve gigabytes (found fuzzing).
                items.reserveCapacity(min(n, 1024))
                for _ in 0..<n { items.append(try readValue(depth: depth + 1)) }
                return .array(items)
            case 5:
                guard depth < maxDepth else { throw IPLDError(.cbor, "nesting too deep") }
                let n = try length(info)
                var entries = [DataMap.Entry]()
                entries.reserveCapacity(min(n, 1024))
                var previousKey: UnsafeBufferPointer<UInt8>? = nil
                for _ in 0..<n {
                    let keyHead = try byte()
                    guard keyHead >> 5 == 3 else { throw IPLDError(.cbor, "map keys must be text strings") }
                    let keyStart = pos
                    let keyLength = try length(keyHead & 0x1f)
                    let keyBytes = UnsafeBufferPointer(rebasing: buf[pos..<pos + keyLength])
                    if let prev = previousKey, !Reader.canonicallyPrecedes(prev, keyBytes) {
                        throw IPLDError(.cbor, "map keys not in canonical order or duplicated")
                    }
                    previousKey = keyBytes
                    pos = keyStart
                    let key = try readString(keyHead & 0x1f)
                    entries.append(DataMap.Entry(key: key, value: try readValue(depth: depth + 1)))
                }
                return .map(DataMap(canonicalEntries: entries))
            case 6:
                let tag = try argument(info)
                guard tag == 42 else { throw IPLDError(.cbor, "tag \(tag) is not allowed (only 42, CID)") }
                let inner = try byte()
                guard inner >> 5 == 2 else { throw IPLDError(.cbor, "tag 42 must wrap a byte string") }
                let n = try length(inner & 0x1f)
                guard n >= 2, buf[pos] == 0 else { throw IPLDError(.cbor, "CID link must start with 0x00") }
                let cidBytes = UnsafeBufferPointer(rebasing: buf[pos + 1..<pos + n])
                pos += n
                return .link(try CID(bytes: cidBytes))
            default:
                switch info {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                case 25, 26, 27: throw IPLDError(.cbor, "floats are not allowed in atproto data")
                default: throw IPLDError(.cbor, "simple value \(info) is not allowed")
                }
            }
        }

        static func canonicallyPrecedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
            if a.count != b.count { return a.count < b.count }
            return a.lexicographicallyPrecedes(b)
        }
    }
}
