/// The string-level syntax check for a CID in a Lexicon `cid` string field.
///
/// Only the shape is checked: 8–256 characters of `[A-Za-z0-9+=]` (covers the multibase
/// encodings CIDs appear in). Legacy CIDv0 (`Qm…`, base58btc, 46 characters) is rejected because
/// atproto uses CIDv1 only. Decoding and hash checks belong to the IPLD module.
public struct CIDString: SyntaxValue {
    public static let minLength = 8
    public static let maxLength = 256

    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        if let problem = CIDString.problem(string) {
            throw SyntaxError(.cid, input: string, message: problem)
        }
        self.string = string
    }

    public static func isValid(_ string: String) -> Bool { problem(string) == nil }

    static func problem(_ string: String) -> String? {
        ASCII.withBytes(string) { b -> String? in
            if b.count < minLength || b.count > maxLength {
                return "must be \(minLength)-\(maxLength) characters"
            }
            for c in b where !(ASCII.isAlnum(c) || c == 0x2B || c == 0x3D) {
                return "disallowed character (allowed: A-Z a-z 0-9 + =)"
            }
            if b.count == 46, b[0] == 0x51, b[1] == 0x6D { return "CIDv0 is not supported" }
            return nil
        }
    }
}
