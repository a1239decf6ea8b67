import ATCrypto
import IPLD
import Testing

@Suite("Key encodings: raw, SEC1, multikey, did:key")
struct KeyEncodingTests {
    /// secp256k1 generator G, i.e. the public key of private key 1.
    static let k256G = TestMath.hex(
        "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
            + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")
    static let k256GCompressed = TestMath.hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")

    @Test("KeyAlgorithm names, multicodec prefixes and suites")
    func algorithmMetadata() {
        #expect(KeyAlgorithm.k256.rawValue == "ES256K")
        #expect(KeyAlgorithm.p256.rawValue == "ES256")
        #expect(KeyAlgorithm.k256.multicodecPrefix == [0xe7, 0x01])
        #expect(KeyAlgorithm.p256.multicodecPrefix == [0x80, 0x24])
        #expect(KeyAlgorithm(didDocSuite: "EcdsaSecp256k1VerificationKey2019") == .k256)
        #expect(KeyAlgorithm(didDocSuite: "EcdsaSecp256r1VerificationKey2019") == .p256)
        #expect(KeyAlgorithm(didDocSuite: "Ed25519VerificationKey2020") == nil)
    }

    @Test("did:key and multikey round trip", arguments: KeyAlgorithm.allCases)
    func didKeyRoundTrip(algorithm: KeyAlgorithm) throws {
        for _ in 0..<20 {
            let key = algorithm.generateSigningKey().publicKey
            let did = key.didKey
            #expect(did.hasPrefix(algorithm == .k256 ? "did:key:zQ3s" : "did:key:zDna"))
            #expect(did == "did:key:" + key.multibase)
            let parsed = try DIDKey.parse(did)
            #expect(parsed.algorithm == algorithm)
            #expect(parsed.isSameKey(as: key))
            #expect(parsed.didKey == did)
            let viaMultikey = try Multikey.parse(key.multibase)
            #expect(viaMultikey.isSameKey(as: key))
            let viaType = try Multikey.parse(key.multibase, type: "Multikey")
            #expect(viaType.isSameKey(as: key))
            // Legacy DID-document form: bare compressed key under the curve's suite name.
            let legacy = "z" + Base58BTC.encode(key.compressedBytes)
            #expect(try Multikey.parse(legacy, type: algorithm.didDocSuite).isSameKey(as: key))
            // … and under the wrong suite it is refused or yields a different key.
            let other: KeyAlgorithm = algorithm == .k256 ? .p256 : .k256
            if let wrong = try? Multikey.parse(legacy, type: other.didDocSuite) {
                #expect(!wrong.isSameKey(as: key))
            }
            #expect(key.multibase.count == 48 || key.multibase.count == 49)
        }
    }

    @Test("k256 private key 1 has public key G; uncompressed import exports compressed")
    func k256KnownPoint() throws {
        let one = [UInt8](repeating: 0, count: 31) + [1]
        let key = try K256PrivateKey(rawRepresentation: one)
        #expect(key.publicKey.compressedBytes == Self.k256GCompressed)
        let fromUncompressed = try K256PublicKey(bytes: Self.k256G)
        #expect(fromUncompressed.compressedBytes == Self.k256GCompressed)
        #expect(fromUncompressed == key.k256PublicKey)
        let message = Array("g".utf8)
        #expect(fromUncompressed.verify(signature: try key.sign(message), for: message))
        // An uncompressed key inside a did:key is accepted and re-exported compressed.
        let uncompressedDID = "did:key:z" + Base58BTC.encode([0xe7, 0x01] + Self.k256G)
        let parsed = try DIDKey.parse(uncompressedDID)
        #expect(parsed.compressedBytes == Self.k256GCompressed)
        #expect(parsed.didKey == key.didKey)
        #expect(parsed.didKey != uncompressedDID)
    }

    /// P-256 generator G, i.e. the public key of private key 1 (y is odd).
    static let p256G = TestMath.hex(
        "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
            + "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")
    static let p256GCompressed = TestMath.hex("036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")

    @Test("p256 private key 1 has public key G; uncompressed import exports compressed")
    func p256KnownPoint() throws {
        let one = [UInt8](repeating: 0, count: 31) + [1]
        let key = try P256PrivateKey(rawRepresentation: one)
        #expect(key.publicKey.compressedBytes == Self.p256GCompressed)
        let imported = try P256PublicKey(bytes: Self.p256G)
        #expect(imported.compressedBytes == Self.p256GCompressed)
        #expect(imported == key.p256PublicKey)
        let message = Array("g".utf8)
        #expect(imported.verify(signature: try key.sign(message), for: message))
        let parsed = try DIDKey.parse("did:key:z" + Base58BTC.encode([0x80, 0x24] + Self.p256G))
        #expect(parsed is P256PublicKey)
        #expect(parsed.didKey == key.didKey)
        // G's x with the wrong parity is a different valid point, not G.
        var otherParity = Self.p256GCompressed
        otherParity[0] = 0x02
        #expect(try P256PublicKey(bytes: otherParity) != imported)
    }

    static let validK256DID = "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"

    static var badDIDKeys: [String] {
        let xTooBig = [UInt8](repeating: 0xff, count: 32)
        var badY = k256G
        badY[64] ^= 1
        var hybrid = k256G
        hybrid[0] = 0x06
        let valid = try! DIDKey.parse(validK256DID).compressedBytes
        return [
            "",
            "did:key:",
            "did:key:z",
            "did:key:z1",
            "did:plc:ewvi7nxzyoun6zhxrhs64oiz",
            "DID:KEY:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
            "did:key:ZQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
            "did:key:Q3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBm",    // truncated
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBmeX",  // extra char
            validK256DID + " ",
            " " + validK256DID,
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZ0OIl",                   // not base58
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBmé",
            "did:key:\u{301}zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",  // combining mark
            "did:key:z\u{301}Q3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme\u{0}",
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",    // ed25519
            "did:key:z" + String(repeating: "2", count: 300),
            "did:key:z" + Base58BTC.encode([0xe7, 0x01] + Array(valid.dropFirst())),  // 32 bytes
            "did:key:z" + Base58BTC.encode([0xe7, 0x01] + valid + [0]),              // 34 bytes
            "did:key:z" + Base58BTC.encode([0xe7, 0x01, 0x02] + xTooBig),            // x ≥ p
            "did:key:z" + Base58BTC.encode([0x80, 0x24, 0x03] + xTooBig),            // x ≥ p
            "did:key:z" + Base58BTC.encode([0xe7, 0x01] + badY),                     // off curve
            "did:key:z" + Base58BTC.encode([0xe7, 0x01] + hybrid),                   // hybrid form
            "did:key:z" + Base58BTC.encode([0xe7, 0x01, 0x05] + Array(valid.dropFirst())),
            "did:key:z" + Base58BTC.encode([0xe7] + valid),                          // short prefix
            "did:key:z" + Base58BTC.encode(valid),                                   // no prefix
        ]
    }

    @Test("bad did:key strings give errors, not crashes", arguments: badDIDKeys)
    func badDIDKey(_ did: String) {
        #expect(throws: CryptoError.self) { try DIDKey.parse(did) }
    }

    @Test("errors carry a message and an XRPC name")
    func errorShape() {
        do {
            _ = try DIDKey.parse("did:web:example.com")
            Issue.record("expected an error")
        } catch {
            #expect(error.xrpcError == "InvalidRequest")
            #expect(error.message.contains("did:key"))
        }
    }

    @Test("garbage multikeys and verification-method types are rejected")
    func badMultikeys() throws {
        let key = K256PrivateKey().publicKey
        #expect(throws: CryptoError.self) { try Multikey.parse("") }
        #expect(throws: CryptoError.self) { try Multikey.parse(String(key.multibase.dropFirst())) }
        #expect(throws: CryptoError.self) { try Multikey.parse("b" + String(key.multibase.dropFirst())) }
        #expect(throws: CryptoError.self) { try Multikey.parse(key.multibase, type: "Ed25519VerificationKey2020") }
        // A prefixed multikey is not a legacy bare key.
        #expect(throws: CryptoError.self) { try Multikey.parse(key.multibase, type: key.algorithm.didDocSuite) }
        // A bare key is not a Multikey.
        let bare = "z" + Base58BTC.encode(key.compressedBytes)
        #expect(throws: CryptoError.self) { try Multikey.parse(bare, type: "Multikey") }
    }

    @Test("bad raw private keys are rejected", arguments: KeyAlgorithm.allCases)
    func badPrivateKeys(algorithm: KeyAlgorithm) {
        let order = algorithm == .k256 ? TestMath.k256Order : TestMath.p256Order
        let bad: [[UInt8]] = [
            [],
            [UInt8](repeating: 1, count: 31),
            [UInt8](repeating: 1, count: 33),
            [UInt8](repeating: 0, count: 32),     // zero
            order,                                 // n
            [UInt8](repeating: 0xff, count: 32),  // > n
        ]
        for raw in bad {
            #expect(throws: CryptoError.self) { try algorithm.signingKey(rawRepresentation: raw) }
        }
        // n − 1 is the largest valid scalar.
        let nMinusOne = TestMath.subtract(order, [UInt8](repeating: 0, count: 31) + [1])
        #expect((try? algorithm.signingKey(rawRepresentation: nMinusOne)) != nil)
    }

    @Test("bad SEC1 public keys are rejected", arguments: KeyAlgorithm.allCases)
    func badPublicKeys(algorithm: KeyAlgorithm) throws {
        let good = algorithm.generateSigningKey().publicKey.compressedBytes
        var wrongTag = good
        wrongTag[0] = 0x04
        let bad: [[UInt8]] = [
            [],
            Array(good.dropLast()),
            good + [0],
            wrongTag,
            [0x02] + [UInt8](repeating: 0xff, count: 32),
            [0x04] + [UInt8](repeating: 0, count: 64),
            [UInt8](repeating: 0, count: 33),
        ]
        for bytes in bad {
            #expect(throws: CryptoError.self) { try algorithm.publicKey(bytes: bytes) }
        }
        #expect(try algorithm.publicKey(bytes: good).compressedBytes == good)
    }
}
