/// The two elliptic-curve key types atproto uses. The raw value is the JWT `alg` name.
public enum KeyAlgorithm: String, Sendable, CaseIterable {
    /// secp256k1 ("k256"), the default for atproto repo signing keys.
    case k256 = "ES256K"
    /// NIST P-256 ("p256"), e.g. WebCrypto-held keys.
    case p256 = "ES256"

    /// The multicodec varint for the compressed public key, as bytes:
    /// secp256k1-pub 0xe7 → `e7 01`, p256-pub 0x1200 → `80 24`.
    public var multicodecPrefix: [UInt8] {
        switch self {
        case .k256: return [0xe7, 0x01]
        case .p256: return [0x80, 0x24]
        }
    }

    /// The legacy DID-document verification-method type for this curve.
    public var didDocSuite: String {
        switch self {
        case .k256: return "EcdsaSecp256k1VerificationKey2019"
        case .p256: return "EcdsaSecp256r1VerificationKey2019"
        }
    }

    /// The algorithm for a legacy DID-document verification-method type, or nil.
    public init?(didDocSuite: String) {
        guard let match = KeyAlgorithm.allCases.first(where: { $0.didDocSuite == didDocSuite }) else {
            return nil
        }
        self = match
    }

    /// Generates a fresh random signing key on this curve.
    public func generateSigningKey() -> any SigningKey {
        switch self {
        case .k256: return K256PrivateKey()
        case .p256: return P256PrivateKey()
        }
    }

    /// Imports a raw 32-byte private key on this curve.
    public func signingKey(rawRepresentation raw: [UInt8]) throws(CryptoError) -> any SigningKey {
        switch self {
        case .k256: return try K256PrivateKey(rawRepresentation: raw)
        case .p256: return try P256PrivateKey(rawRepresentation: raw)
        }
    }

    /// Imports a public key on this curve from its 33-byte compressed or 65-byte uncompressed
    /// SEC1 encoding.
    public func publicKey(bytes: [UInt8]) throws(CryptoError) -> any PublicKey {
        switch self {
        case .k256: return try K256PublicKey(bytes: bytes)
        case .p256: return try P256PublicKey(bytes: bytes)
        }
    }
}
