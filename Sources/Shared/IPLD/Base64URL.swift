

/// base64url without padding, as PLC signatures and JWTs use it.
public enum Base64URL {
    /// Encodes without padding.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(Base64.encode(bytes).map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    /// Decodes, refusing the standard alphabet's `+` and `/` and any padding.
    public static func decode(_ string: String) -> [UInt8]? {
        guard !string.contains("+"), !string.contains("/"), !string.contains("=") else { return nil }
        return Base64.decode(String(string.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 }))
    }
}
