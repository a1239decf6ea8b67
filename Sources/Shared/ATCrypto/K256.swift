import CSecp256k1
import Crypto

/// A secp256k1 (k256, JWT "ES256K") public key, parsed once at init so that `verify` costs only
/// the libsecp256k1 call.
public struct K256PublicKey: PublicKey, Hashable {
    /// The libsecp256k1 parsed point.
    private let parsed: secp256k1_pubkey
    public let compressedBytes: [UInt8]
    public var algorithm: KeyAlgorithm { .k256 }

    /// Imports a 33-byte compressed (`02`/`03` …) or 65-byte uncompressed (`04` …) SEC1 key.
    /// The point must lie on the curve. Hybrid (`06`/`07`) encodings are refused.
    public init(bytes: [UInt8]) throws(CryptoError) {
        let wellFormed = (bytes.count == 33 && (bytes[0] == 0x02 || bytes[0] == 0x03))
            || (bytes.count == 65 && bytes[0] == 0x04)
        guard wellFormed else {
            throw .invalidKey("k256 public key must be 33 bytes compressed or 65 bytes uncompressed")
        }
        let ctx = Secp256k1Context.shared.pointer
        var point = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(ctx, &point, bytes, bytes.count) == 1 else {
            throw .invalidKey("not a point on secp256k1")
        }
        self.init(parsed: point)
    }

    init(parsed point: secp256k1_pubkey) {
        let ctx = Secp256k1Context.shared.pointer
        var point = point
        var out = [UInt8](repeating: 0, count: 33)
        var length = 33
        _ = secp256k1_ec_pubkey_serialize(ctx, &out, &length, &point, UInt32(SECP256K1_EC_COMPRESSED))
        self.parsed = point
        self.compressedBytes = out
    }

    public func verify(signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_signature()
        // Fails when r or s ≥ n.
        guard secp256k1_ecdsa_signature_parse_compact(ctx, &sig, signature) == 1 else { return false }
        var point = parsed
        let digest = SHA256.hash(data: message)
        // secp256k1_ecdsa_verify rejects high-S signatures itself.
        return digest.withUnsafeBytes { hash in
            secp256k1_ecdsa_verify(ctx, &sig, hash.bindMemory(to: UInt8.self).baseAddress!, &point) == 1
        }
    }

    public static func == (a: K256PublicKey, b: K256PublicKey) -> Bool { a.compressedBytes == b.compressedBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(compressedBytes) }
}

/// A secp256k1 (k256, JWT "ES256K") private key. Signs with libsecp256k1: RFC 6979
/// deterministic nonces, always low-S.
public struct K256PrivateKey: SigningKey, CustomStringConvertible {
    public let rawRepresentation: [UInt8]
    /// The matching public key, typed concretely.
    public let k256PublicKey: K256PublicKey
    public var publicKey: any PublicKey { k256PublicKey }
    public var algorithm: KeyAlgorithm { .k256 }

    /// Generates a new random key.
    public init() {
        while true {
            // Fails only for 0 or ≥ n: probability about 2^-128.
            if let key = try? K256PrivateKey(rawRepresentation: RandomBytes.make(32)) {
                self = key
                return
            }
        }
    }

    /// Imports a raw 32-byte big-endian private scalar (must be in 1..<n).
    public init(rawRepresentation raw: [UInt8]) throws(CryptoError) {
        guard raw.count == 32 else { throw .invalidKey("k256 private key must be 32 bytes") }
        let ctx = Secp256k1Context.shared.pointer
        var point = secp256k1_pubkey()
        guard secp256k1_ec_seckey_verify(ctx, raw) == 1,
              secp256k1_ec_pubkey_create(ctx, &point, raw) == 1 else {
            throw .invalidKey("k256 private key out of range")
        }
        self.rawRepresentation = raw
        self.k256PublicKey = K256PublicKey(parsed: point)
    }

    public func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        let ctx = Secp256k1Context.shared.pointer
        let digest = SHA256.hash(data: message)
        var sig = secp256k1_ecdsa_signature()
        let ok = digest.withUnsafeBytes { hash in
            secp256k1_ecdsa_sign(ctx, &sig, hash.bindMemory(to: UInt8.self).baseAddress!,
                                 rawRepresentation, nil, nil)
        }
        guard ok == 1 else { throw .signingFailed("secp256k1_ecdsa_sign failed") }
        var out = [UInt8](repeating: 0, count: 64)
        _ = secp256k1_ecdsa_signature_serialize_compact(ctx, &out, &sig)
        return out
    }

    /// Redacted: never prints the private scalar.
    public var description: String { "K256PrivateKey(\(k256PublicKey.didKey))" }
}
