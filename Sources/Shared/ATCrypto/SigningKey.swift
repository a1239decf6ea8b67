/// A private key that produces atproto signatures: SHA-256 of the message, signed with ECDSA,
/// returned as a 64-byte compact r‖s signature that is always low-S.
public protocol SigningKey: Sendable {
    /// The curve of this key.
    var algorithm: KeyAlgorithm { get }
    /// The matching public key.
    var publicKey: any PublicKey { get }
    /// The raw 32-byte big-endian private scalar. Secret: store it carefully.
    var rawRepresentation: [UInt8] { get }
    /// Signs SHA-256(`message`); the result is 64 bytes r‖s with s ≤ n/2.
    func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8]
}

extension SigningKey {
    /// The `did:key:z…` form of the public key.
    public var didKey: String { publicKey.didKey }
}
