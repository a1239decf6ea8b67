import ATCrypto
import Foundation
import Testing

@Suite("Signing and verification")
struct SignatureTests {
    static let message = Array("hello atproto".utf8)

    static func order(_ algorithm: KeyAlgorithm) -> [UInt8] {
        algorithm == .k256 ? TestMath.k256Order : TestMath.p256Order
    }

    @Test("sign/verify round trip", arguments: KeyAlgorithm.allCases)
    func roundTrip(algorithm: KeyAlgorithm) throws {
        let key = algorithm.generateSigningKey()
        #expect(key.algorithm == algorithm)
        #expect(key.publicKey.algorithm == algorithm)
        let signature = try key.sign(Self.message)
        #expect(signature.count == 64)
        #expect(key.publicKey.verify(signature: signature, for: Self.message))
        // A changed message, a changed signature, or another key must fail.
        #expect(!key.publicKey.verify(signature: signature, for: Self.message + [0]))
        var tampered = signature
        tampered[10] ^= 0x01
        #expect(!key.publicKey.verify(signature: tampered, for: Self.message))
        let other = algorithm.generateSigningKey()
        #expect(!other.publicKey.verify(signature: signature, for: Self.message))
        // Empty message is fine too.
        #expect(key.publicKey.verify(signature: try key.sign([]), for: []))
    }

    @Test("raw private key import/export round trip", arguments: KeyAlgorithm.allCases)
    func rawRoundTrip(algorithm: KeyAlgorithm) throws {
        let key = algorithm.generateSigningKey()
        #expect(key.rawRepresentation.count == 32)
        let again = try algorithm.signingKey(rawRepresentation: key.rawRepresentation)
        #expect(again.publicKey.isSameKey(as: key.publicKey))
        #expect(again.rawRepresentation == key.rawRepresentation)
        // A signature from the reimported key verifies with the original public key.
        #expect(key.publicKey.verify(signature: try again.sign(Self.message), for: Self.message))
    }

    @Test("k256 signatures are deterministic (RFC 6979) and low-S")
    func k256Deterministic() throws {
        let key = K256PrivateKey()
        let a = try key.sign(Self.message)
        let b = try key.sign(Self.message)
        #expect(a == b)
        for i in 0..<200 {
            let sig = try key.sign(Array("message \(i)".utf8))
            #expect(!TestMath.isHigh(Array(sig[32...]), order: TestMath.k256Order))
        }
    }

    @Test("every p256 signature from 200 signings is low-S and verifies")
    func p256AlwaysLowS() throws {
        let key = P256PrivateKey()
        var lowS = 0
        var wouldHaveBeenHigh = 0
        for i in 0..<200 {
            let message = Array("message \(i)".utf8)
            let sig = try key.sign(message)
            if !TestMath.isHigh(Array(sig[32...]), order: TestMath.p256Order) { lowS += 1 }
            #expect(key.publicKey.verify(signature: sig, for: message))
            // Count how often swift-crypto's own (r, n − s) twin is the high one: that is what
            // normalisation fixed.
            let twin = TestMath.flipS(sig, order: TestMath.p256Order)
            if TestMath.isHigh(Array(twin[32...]), order: TestMath.p256Order) { wouldHaveBeenHigh += 1 }
        }
        #expect(lowS == 200)
        #expect(wouldHaveBeenHigh == 200)
    }

    @Test("a signature flipped to high-S is rejected", arguments: KeyAlgorithm.allCases)
    func highSRejected(algorithm: KeyAlgorithm) throws {
        let key = algorithm.generateSigningKey()
        let low = try key.sign(Self.message)
        let high = TestMath.flipS(low, order: Self.order(algorithm))
        #expect(TestMath.isHigh(Array(high[32...]), order: Self.order(algorithm)))
        #expect(high != low)
        #expect(TestMath.flipS(high, order: Self.order(algorithm)) == low)
        #expect(!key.publicKey.verify(signature: high, for: Self.message))
        #expect(key.publicKey.verify(signature: low, for: Self.message))
    }

    @Test("DER-encoded signatures are rejected", arguments: KeyAlgorithm.allCases)
    func derRejected(algorithm: KeyAlgorithm) throws {
        let key = algorithm.generateSigningKey()
        let compact = try key.sign(Self.message)
        let der = TestMath.der(compact)
        #expect(der.first == 0x30)
        #expect(der.count >= 8 && der.count <= 72)
        #expect(!key.publicKey.verify(signature: der, for: Self.message))
        #expect(key.publicKey.verify(signature: compact, for: Self.message))
    }

    @Test("malformed signatures are rejected without crashing", arguments: KeyAlgorithm.allCases)
    func malformedSignatures(algorithm: KeyAlgorithm) throws {
        let key = algorithm.generateSigningKey()
        let good = try key.sign(Self.message)
        let n = Self.order(algorithm)
        let zeros = [UInt8](repeating: 0, count: 32)
        let bad: [[UInt8]] = [
            [],
            Array(good.prefix(63)),
            good + [0],
            [UInt8](repeating: 0, count: 64),
            [UInt8](repeating: 0xff, count: 64),
            zeros + Array(good[32...]),       // r = 0
            Array(good[..<32]) + zeros,       // s = 0
            n + Array(good[32...]),           // r = n
            Array(good[..<32]) + n,           // s = n
        ]
        for sig in bad {
            #expect(!key.publicKey.verify(signature: sig, for: Self.message))
        }
    }

    @Test("a signature from the other curve does not verify")
    func wrongCurve() throws {
        let k = K256PrivateKey()
        let p = P256PrivateKey()
        #expect(!p.publicKey.verify(signature: try k.sign(Self.message), for: Self.message))
        #expect(!k.publicKey.verify(signature: try p.sign(Self.message), for: Self.message))
        // Same private scalar on both curves gives different public keys and signatures
        // that only verify on their own curve.
        let raw = k.rawRepresentation
        let p2 = try P256PrivateKey(rawRepresentation: raw)
        #expect(!p2.publicKey.isSameKey(as: k.publicKey))
        #expect(!k.publicKey.verify(signature: try p2.sign(Self.message), for: Self.message))
    }

    @Test("private-key descriptions do not leak the secret", arguments: KeyAlgorithm.allCases)
    func redactedDescription(algorithm: KeyAlgorithm) throws {
        let key = algorithm.generateSigningKey()
        let text = "\(key)"
        let hex = key.rawRepresentation.map { String(format: "%02x", $0) }.joined()
        #expect(!text.contains(hex))
        #expect(text.contains(key.didKey))
    }
}
