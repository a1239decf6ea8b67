/// Low-S handling for 64-byte compact r‖s ECDSA signatures on P-256, whose library
/// (swift-crypto) neither produces nor enforces low-S. For k256, libsecp256k1 does both.
///
/// Numbers are 32-byte big-endian unsigned integers.
enum LowS {
    /// The order n of the P-256 group.
    static let p256Order: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
    ]

    /// ⌊n/2⌋ for P-256: s is low when s ≤ this.
    static let p256HalfOrder: [UInt8] = [
        0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8,
    ]

    /// Compares the 32-byte big-endian number at `a[aOffset...]` with `b`.
    /// Returns -1, 0 or 1.
    static func compare(_ a: [UInt8], at aOffset: Int, _ b: [UInt8]) -> Int {
        for i in 0..<32 {
            let x = a[aOffset + i], y = b[i]
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// True when the s half of a 64-byte compact signature is ≤ n/2 (P-256).
    static func isLowS(p256 signature: [UInt8]) -> Bool {
        signature.count == 64 && compare(signature, at: 32, p256HalfOrder) <= 0
    }

    /// Returns the signature with s replaced by n − s when s > n/2 (P-256). Both (r, s) and
    /// (r, n − s) verify, so this only picks the canonical one.
    static func normalize(p256 signature: [UInt8]) -> [UInt8] {
        precondition(signature.count == 64)
        guard !isLowS(p256: signature) else { return signature }
        var out = signature
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            var d = Int(p256Order[i]) - Int(signature[32 + i]) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 256 }
            out[32 + i] = UInt8(d)
        }
        return out
    }
}
