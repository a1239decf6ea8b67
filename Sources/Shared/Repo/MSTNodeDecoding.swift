import IPLD

/// A direct decoder for MST nodes in their canonical layout, skipping the generic
/// data-model tree: node reads are the hot path of every write, export and import.
///
/// It accepts only the exact canonical encoding (`{e: [{k, p, t, v}…], l}` with `t` and
/// `l` present); anything else falls back to the generic decoder, so it never accepts
/// what the strict path would refuse.
enum MSTNodeDecoding {
    struct Cursor {
        let buf: UnsafeBufferPointer<UInt8>
        var pos = 0

        mutating func byte() -> UInt8? {
            guard pos < buf.count else { return nil }
            defer { pos += 1 }
            return buf[pos]
        }

        /// A head of the given major type with a canonical (shortest) argument.
        mutating func head(_ major: UInt8) -> UInt64? {
            guard let b = byte(), b >> 5 == major else { return nil }
            let info = b & 0x1f
            switch info {
            case 0..<24: return UInt64(info)
            case 24:
                guard let v = byte(), v >= 24 else { return nil }
                return UInt64(v)
            case 25:
                guard buf.count - pos >= 2 else { return nil }
                let v = UInt64(buf[pos]) << 8 | UInt64(buf[pos + 1])
                pos += 2
                return v >= 0x100 ? v : nil
            default: return nil // longer forms never occur in a valid node
            }
        }

        /// Expects the one-letter text key `c`.
        mutating func key(_ c: UInt8) -> Bool {
            guard buf.count - pos >= 2, buf[pos] == 0x61, buf[pos + 1] == c else { return false }
            pos += 2
            return true
        }

        mutating func link() -> CID? {
            guard buf.count - pos >= 2, buf[pos] == 0xd8, buf[pos + 1] == 42 else { return nil }
            pos += 2
            guard let n = head(2), n >= 2, UInt64(buf.count - pos) >= n, buf[pos] == 0 else { return nil }
            let cid = try? CID(bytes: UnsafeBufferPointer(rebasing: buf[(pos + 1)..<(pos + Int(n))]))
            pos += Int(n)
            return cid
        }

        mutating func optionalLink() -> CID?? {
            if pos < buf.count, buf[pos] == 0xf6 { pos += 1; return .some(nil) }
            guard let l = link() else { return nil }
            return .some(l)
        }
    }

    /// Decodes the canonical layout, or nil when the bytes are not exactly that.
    static func fastDecode(_ bytes: [UInt8]) -> MSTNode? {
        bytes.withUnsafeBufferPointer { buf -> MSTNode? in
            var c = Cursor(buf: buf)
            guard c.byte() == 0xa2, c.key(UInt8(ascii: "e")), let count = c.head(4), count <= UInt64(buf.count) else { return nil }
            var entries = [MSTEntry]()
            entries.reserveCapacity(Int(count))
            var previous: [UInt8] = []
            for _ in 0..<count {
                guard c.byte() == 0xa4, c.key(UInt8(ascii: "k")), let klen = c.head(2), UInt64(buf.count - c.pos) >= klen else { return nil }
                let suffix = UnsafeBufferPointer(rebasing: buf[c.pos..<(c.pos + Int(klen))])
                c.pos += Int(klen)
                guard c.key(UInt8(ascii: "p")), let p = c.head(0), p <= UInt64(previous.count) else { return nil }
                // Keys grow by their suffix from entry to entry: unbounded, a 1 MB node of
                // 1-byte suffixes rebuilds gigabytes of keys. The generic path says why.
                guard Int(p) + suffix.count <= MSTKey.maxLength else { return nil }
                guard c.key(UInt8(ascii: "t")), let t = c.optionalLink() else { return nil }
                guard c.key(UInt8(ascii: "v")), let v = c.link() else { return nil }
                var key = [UInt8]()
                key.reserveCapacity(Int(p) + suffix.count)
                key.append(contentsOf: previous[0..<Int(p)])
                key.append(contentsOf: suffix)
                entries.append(MSTEntry(key: key, value: v, right: t))
                previous = key
            }
            guard c.key(UInt8(ascii: "l")), let l = c.optionalLink(), c.pos == buf.count else { return nil }
            return MSTNode(left: l, entries: entries)
        }
    }
}
