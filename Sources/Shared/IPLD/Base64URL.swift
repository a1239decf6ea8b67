/// base64url without padding, as PLC signatures and JWTs use it.
public enum Base64URL {
    /// Encodes without padding.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        Base64.encode(bytes, alphabet: Base64.urlAlphabet)
    }

    /// Decodes, refusing the standard alphabet's `+` and `/` and any padding.
    public static func decode<S: StringProtocol>(_ string: S) -> [UInt8]? {
        Base64.decode(string.utf8, reverse: Base64.urlReverse)
    }
}
