import IPLD

/// The `publicKeyMultibase` encoding of public keys: `z` + base58btc(multicodec prefix +
/// compressed key), as in atproto `Multikey` verification methods and inside `did:key`.
public enum Multikey {
    /// Longest multibase string accepted (a compressed key is 48 characters, an uncompressed
    /// one about 92); longer input is refused before decoding.
    static let maxLength = 128

    /// Encodes a public key (always compressed).
    public static func format(_ key: any PublicKey) -> String {
        "z" + Base58BTC.encode(key.algorithm.multicodecPrefix + key.compressedBytes)
    }

    /// Parses a prefixed multikey (`z…`), choosing the curve from the multicodec prefix.
    /// Compressed and uncompressed keys are accepted.
    public static func parse(_ multibase: String) throws(CryptoError) -> any PublicKey {
        guard multibase.utf8.count <= maxLength else { throw CryptoError("multikey too long") }
        guard multibase.utf8.first == UInt8(ascii: "z") else {
            throw CryptoError("multikey must be base58btc (start with z)")
        }
        let bytes: [UInt8]
        do {
            bytes = try Base58BTC.decode(String(decoding: multibase.utf8.dropFirst(), as: UTF8.self))
        } catch {
            throw CryptoError("multikey is not valid base58btc")
        }
        for algorithm in KeyAlgorithm.allCases where bytes.starts(with: algorithm.multicodecPrefix) {
            return try algorithm.publicKey(bytes: Array(bytes.dropFirst(algorithm.multicodecPrefix.count)))
        }
        throw CryptoError("unsupported multikey type (want secp256k1-pub or p256-pub)")
    }

    /// Parses the key of a DID-document verification method from its `type` and
    /// `publicKeyMultibase`: `Multikey` (prefixed, see `parse(_:)`) or a legacy suite
    /// (`EcdsaSecp256k1VerificationKey2019`, `EcdsaSecp256r1VerificationKey2019`) whose
    /// multibase holds the bare SEC1 key.
    public static func parse(_ multibase: String, type: String) throws(CryptoError) -> any PublicKey {
        if type == "Multikey" { return try parse(multibase) }
        guard let algorithm = KeyAlgorithm(didDocSuite: type) else {
            throw CryptoError("unsupported verification method type \(type)")
        }
        guard multibase.utf8.count <= maxLength else { throw CryptoError("publicKeyMultibase too long") }
        let bytes: [UInt8]
        do {
            bytes = try Multibase.decode(multibase)
        } catch {
            throw CryptoError("publicKeyMultibase is not valid multibase")
        }
        return try algorithm.publicKey(bytes: bytes)
    }
}
