import Crypto

/// The rules for MST keys: repo paths `collection/rkey`, their height, and prefix sharing.
public enum MSTKey {
    /// Longest key the repository spec allows.
    public static let maxLength = 1024

    /// The key's layer: leading zero bits of SHA-256(key), counted in 2-bit chunks (fanout 4).
    public static func height<C: Collection>(_ key: C) -> Int where C.Element == UInt8 {
        let digest = key.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            ?? SHA256.hash(data: Array(key))
        var zeros = 0
        for byte in digest {
            if byte == 0 { zeros += 4; continue }
            if byte & 0xC0 == 0 { zeros += 1 } else { break }
            if byte & 0x30 == 0 { zeros += 1 } else { break }
            if byte & 0x0C == 0 { zeros += 1 } else { break }
            break
        }
        return zeros
    }

    /// The height of a string key.
    public static func height(_ key: String) -> Int { height(Array(key.utf8)) }

    /// Number of leading bytes two keys share.
    public static func commonPrefixLength<A: Collection, B: Collection>(_ a: A, _ b: B) -> Int
    where A.Element == UInt8, B.Element == UInt8 {
        var n = 0
        for (x, y) in zip(a, b) {
            guard x == y else { break }
            n += 1
        }
        return n
    }

    /// True when `key` is a valid repo path: two non-empty segments split by one `/`,
    /// characters from `[A-Za-z0-9_~.:-]`, at most ``maxLength`` bytes, and neither
    /// segment `.` or `..`.
    public static func isValid<C: Collection>(_ key: C) -> Bool where C.Element == UInt8 {
        guard !key.isEmpty, key.count <= maxLength else { return false }
        var slash = -1
        var i = 0
        for c in key {
            switch c {
            case UInt8(ascii: "/"):
                if slash >= 0 { return false }
                slash = i
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "~"),
                UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "-"):
                break
            default: return false
            }
            i += 1
        }
        guard slash > 0, slash < key.count - 1 else { return false }
        let rkey = key.dropFirst(slash + 1)
        if rkey.elementsEqual(".".utf8) || rkey.elementsEqual("..".utf8) { return false }
        return true
    }
}
