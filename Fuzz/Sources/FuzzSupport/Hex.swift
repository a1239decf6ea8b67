/// Short hex dumps for invariant messages.
public enum Hex {
    /// The first `limit` bytes as hex, with an ellipsis when cut.
    public static func dump<C: Collection>(_ bytes: C, limit: Int = 64) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in bytes.prefix(limit) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self) + (bytes.count > limit ? "…(\(bytes.count) bytes)" : "")
    }
}
