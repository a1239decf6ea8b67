import IPLD

/// A public key that verifies atproto signatures (64-byte compact r‖s, low-S only, over the
/// SHA-256 of the message).
public protocol PublicKey: Sendable, CustomStringConvertible {
    /// The curve of this key.
    var algorithm: KeyAlgorithm { get }
    /// The 33-byte SEC1 compressed encoding.
    var compressedBytes: [UInt8] { get }
    /// True only for a valid 64-byte compact low-S signature of SHA-256(`message`) by this key.
    /// DER-encoded and high-S signatures are rejected.
    func verify(signature: [UInt8], for message: [UInt8]) -> Bool
}

extension PublicKey {
    /// The `publicKeyMultibase` of a `Multikey` verification method:
    /// `z` + base58btc(multicodec prefix + compressed key).
    public var multibase: String { Multikey.format(self) }

    /// The `did:key:z…` form of this key.
    public var didKey: String { DIDKey.format(self) }

    public var description: String { didKey }

    /// True when `other` is the same curve and the same point.
    public func isSameKey(as other: any PublicKey) -> Bool {
        algorithm == other.algorithm && compressedBytes == other.compressedBytes
    }
}
