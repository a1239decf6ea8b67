/// Standard base64 (RFC 4648 §4), as the data model's `$bytes` uses it.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static let reverse = reverseTable(alphabet)
    static let urlReverse = reverseTable(urlAlphabet)

    static func reverseTable(_ alphabet: [UInt8]) -> [Int8] {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }

    /// Encodes without padding.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        encode(bytes, alphabet: alphabet)
    }

    /// Decodes with or without padding; nil for a character outside the alphabet.
    public static func decode<S: StringProtocol>(_ string: S) -> [UInt8]? {
        decode(string.utf8, reverse: reverse, stripPadding: true)
    }

    static func encode<C: Collection>(_ bytes: C, alphabet: [UInt8]) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var it = bytes.makeIterator()
        while let b0 = it.next() {
            let b1 = it.next(), b2 = it.next()
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 3) << 4 | (b1 ?? 0) >> 4)])
            if let b1 { out.append(alphabet[Int((b1 & 0xf) << 2 | (b2 ?? 0) >> 6)]) }
            if let b2 { out.append(alphabet[Int(b2 & 0x3f)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Byte-wise decoding: on the path of every JWT and DPoP proof, so it runs over contiguous
    /// bytes (a generic loop across the module boundary is not specialised and costs several
    /// times as much).
    static func decode<C: Collection>(_ chars: C, reverse: [Int8], stripPadding: Bool = false) -> [UInt8]?
    where C.Element == UInt8 {
        if let result = chars.withContiguousStorageIfAvailable({ decode($0, reverse: reverse, stripPadding: stripPadding) }) {
            return result
        }
        return Array(chars).withUnsafeBufferPointer { decode($0, reverse: reverse, stripPadding: stripPadding) }
    }

    static func decode(_ input: UnsafeBufferPointer<UInt8>, reverse: [Int8], stripPadding: Bool) -> [UInt8]? {
        var count = input.count
        if stripPadding { while count > 0, input[count - 1] == UInt8(ascii: "=") { count -= 1 } }
        guard count % 4 != 1 else { return nil }
        return reverse.withUnsafeBufferPointer { table -> [UInt8]? in
            var failed = false
            let out = [UInt8](unsafeUninitializedCapacity: count * 3 / 4) { buffer, written in
                var acc: UInt32 = 0, bits = 0, n = 0
                for i in 0..<count {
                    let v = table[Int(input[i])]
                    if v < 0 { failed = true; break }
                    acc = (acc << 6) | UInt32(v)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        buffer[n] = UInt8(truncatingIfNeeded: acc >> UInt32(bits))
                        n += 1
                    }
                }
                written = n
            }
            return failed ? nil : out
        }
    }
}
