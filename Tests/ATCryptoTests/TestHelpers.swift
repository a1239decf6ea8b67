import Foundation

/// Test-only big-endian helpers, independent of the library's own low-S code.
enum TestMath {
    static let k256Order = hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
    static let p256Order = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")

    static func hex(_ s: String) -> [UInt8] {
        var out = [UInt8]()
        var chars = Array(s.utf8)[...]
        while chars.count >= 2 {
            out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
            chars = chars.dropFirst(2)
        }
        return out
    }

    /// a − b for 32-byte big-endian numbers with a ≥ b.
    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in (0..<32).reversed() {
            var d = Int(a[i]) - Int(b[i]) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 256 }
            out[i] = UInt8(d)
        }
        return out
    }

    /// 2·s > n, i.e. s is high.
    static func isHigh(_ s: [UInt8], order n: [UInt8]) -> Bool {
        // s is high when s > n − s (equal-length big-endian arrays compare numerically).
        subtract(n, s).lexicographicallyPrecedes(s)
    }

    /// The other valid signature (r, n − s).
    static func flipS(_ signature: [UInt8], order: [UInt8]) -> [UInt8] {
        Array(signature[0..<32]) + subtract(order, Array(signature[32..<64]))
    }

    /// DER `SEQUENCE { INTEGER r, INTEGER s }` of a 64-byte compact signature.
    static func der(_ compact: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var body = Array(bytes.drop(while: { $0 == 0 }))
            if body.isEmpty || body[0] & 0x80 != 0 { body.insert(0, at: 0) }
            return [0x02, UInt8(body.count)] + body
        }
        let content = integer(compact[0..<32]) + integer(compact[32..<64])
        return [0x30, UInt8(content.count)] + content
    }

    /// Standard base64 without padding (the interop convention).
    static func base64(_ s: String) -> [UInt8] {
        var padded = s
        while padded.count % 4 != 0 { padded += "=" }
        return [UInt8](Data(base64Encoded: padded)!)
    }
}
