import Crypto

/// A NIST P-256 (p256, JWT "ES256") public key backed by swift-crypto. `verify` enforces
/// atproto's low-S rule, which swift-crypto alone does not.
public struct P256PublicKey: PublicKey, Hashable {
    /// The swift-crypto key.
    public let key: P256.Signing.PublicKey
    public let compressedBytes: [UInt8]
    public var algorithm: KeyAlgorithm { .p256 }

    /// Imports a 33-byte compressed (`02`/`03` …) or 65-byte uncompressed (`04` …) SEC1 key.
    /// The point must lie on the curve.
    public init(bytes: [UInt8]) throws(CryptoError) {
        do {
            if bytes.count == 33 && (bytes[0] == 0x02 || bytes[0] == 0x03) {
                self.init(key: try P256.Signing.PublicKey(compressedRepresentation: bytes))
            } else if bytes.count == 65 && bytes[0] == 0x04 {
                self.init(key: try P256.Signing.PublicKey(x963Representation: bytes))
            } else {
                throw CryptoError.invalidKey("p256 public key must be 33 bytes compressed or 65 bytes uncompressed")
            }
        } catch let error as CryptoError {
            throw error
        } catch {
            throw .invalidKey("not a point on P-256")
        }
    }

    /// Wraps a swift-crypto key.
    public init(key: P256.Signing.PublicKey) {
        self.key = key
        self.compressedBytes = Array(key.compressedRepresentation)
    }

    public func verify(signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, LowS.isLowS(p256: signature),
              let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(sig, for: message)
    }

    public static func == (a: P256PublicKey, b: P256PublicKey) -> Bool { a.compressedBytes == b.compressedBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(compressedBytes) }
}

/// A NIST P-256 (p256, JWT "ES256") private key backed by swift-crypto. Signatures are
/// normalised to low-S.
public struct P256PrivateKey: SigningKey, CustomStringConvertible {
    /// The swift-crypto key.
    public let key: P256.Signing.PrivateKey
    /// The matching public key, typed concretely.
    public let p256PublicKey: P256PublicKey
    public var publicKey: any PublicKey { p256PublicKey }
    public var algorithm: KeyAlgorithm { .p256 }
    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }

    /// Generates a new random key.
    public init() {
        self.init(key: P256.Signing.PrivateKey())
    }

    /// Imports a raw 32-byte big-endian private scalar (must be in 1..<n).
    public init(rawRepresentation raw: [UInt8]) throws(CryptoError) {
        guard raw.count == 32 else { throw .invalidKey("p256 private key must be 32 bytes") }
        guard let key = try? P256.Signing.PrivateKey(rawRepresentation: raw) else {
            throw .invalidKey("p256 private key out of range")
        }
        self.init(key: key)
    }

    /// Wraps a swift-crypto key.
    public init(key: P256.Signing.PrivateKey) {
        self.key = key
        self.p256PublicKey = P256PublicKey(key: key.publicKey)
    }

    public func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        let signature: P256.Signing.ECDSASignature
        do {
            signature = try key.signature(for: message)
        } catch {
            throw .signingFailed("\(error)")
        }
        let raw = Array(signature.rawRepresentation)
        guard raw.count == 64 else { throw .signingFailed("unexpected signature length \(raw.count)") }
        return LowS.normalize(p256: raw)
    }

    /// Redacted: never prints the private scalar.
    public var description: String { "P256PrivateKey(\(p256PublicKey.didKey))" }
}
