/// `did:key` identifiers for atproto keys: `did:key:` + the key's multikey (`z…`).
public enum DIDKey {
    /// The method prefix, `did:key:`.
    public static let prefix = "did:key:"

    /// Formats a public key as `did:key:z…` (always compressed).
    public static func format(_ key: any PublicKey) -> String {
        prefix + Multikey.format(key)
    }

    /// Parses `did:key:z…` into a k256 or p256 public key; anything else is an error.
    public static func parse(_ did: String) throws(CryptoError) -> any PublicKey {
        // Byte-wise, so a combining mark after the prefix cannot merge into its last Character.
        guard did.utf8.starts(with: prefix.utf8) else { throw CryptoError("did:key must start with did:key:") }
        return try Multikey.parse(String(decoding: did.utf8.dropFirst(prefix.utf8.count), as: UTF8.self))
    }
}
