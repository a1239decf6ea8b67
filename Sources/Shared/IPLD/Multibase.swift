/// Multibase string encodings used by atproto: base32 lower (`b`, CIDs) and base58btc
/// (`z`, did:key and CIDv0).
public enum Multibase {
    /// Errors decoding a multibase string.
    public enum DecodingError: Error, Equatable, Sendable {
        case unsupportedPrefix(Character?)
        case invalidCharacter(Character)
        case invalidLength
    }

    /// Decodes a prefixed multibase string (`b…` base32 lower or `z…` base58btc).
    public static func decode(_ string: String) throws(DecodingError) -> [UInt8] {
        guard let prefix = string.first else { throw .unsupportedPrefix(nil) }
        let body = string.dropFirst()
        switch prefix {
        case "b": return try Base32.decode(body)
        case "z": return try Base58BTC.decode(body)
        default: throw .unsupportedPrefix(prefix)
        }
    }
}

/// RFC 4648 base32, lower case, no padding (multibase `b`).
public enum Base32 {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
    private static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Encodes bytes as lower-case unpadded base32.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes lower-case unpadded base32; upper case and padding are refused.
    public static func decode<S: StringProtocol>(_ string: S) throws(Multibase.DecodingError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for c in string.utf8 {
            let v = reverse[Int(c)]
            if v < 0 { throw .invalidCharacter(Character(Unicode.Scalar(c))) }
            buffer = (buffer << 5) | UInt32(v)
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        // Leftover bits must be zero padding of less than one byte.
        if bits >= 5 || (buffer & ((1 << UInt32(bits)) - 1)) != 0 { throw .invalidLength }
        return out
    }
}

/// Bitcoin base58 (multibase `z`).
public enum Base58BTC {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Encodes bytes as base58btc.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let input = Array(bytes)
        let zeros = input.prefix(while: { $0 == 0 }).count
        var digits = [UInt8]() // base58 digits, little-endian
        for byte in input[zeros...] {
            var carry = Int(byte)
            for i in 0..<digits.count {
                carry += Int(digits[i]) << 8
                digits[i] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.append(contentsOf: digits.reversed().map { alphabet[Int($0)] })
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base58btc.
    public static func decode<S: StringProtocol>(_ string: S) throws(Multibase.DecodingError) -> [UInt8] {
        let chars = Array(string.utf8)
        // Hostile inputs: did:key and CIDs are short; refuse absurd lengths (quadratic work).
        guard chars.count <= 4096 else { throw .invalidLength }
        let zeros = chars.prefix(while: { $0 == alphabet[0] }).count
        var bytes = [UInt8]() // little-endian
        for c in chars[zeros...] {
            let v = reverse[Int(c)]
            if v < 0 { throw .invalidCharacter(Character(Unicode.Scalar(c))) }
            var carry = Int(v)
            for i in 0..<bytes.count {
                carry += Int(bytes[i]) * 58
                bytes[i] = UInt8(carry & 0xff)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xff))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}
