import ATCrypto
import IPLD
import TestSupport
import Testing

@Suite("ATCrypto interop vectors", .enabled(if: SharedFixtures.available, Comment(rawValue: SharedFixtures.skipReason)))
struct InteropTests {
    @Test("signature-fixtures.json: low-S accepted, high-S and DER rejected")
    func signatureFixtures() throws {
        let cases = try SharedFixtures.jsonArray("interop/crypto/signature-fixtures.json")
        #expect(cases.count == 4)
        var accepted = 0, rejected = 0
        for c in cases {
            let comment = c["comment"] as? String ?? ""
            let message = TestMath.base64(try #require(c["messageBase64"] as? String))
            let signature = TestMath.base64(try #require(c["signatureBase64"] as? String))
            let did = try #require(c["publicKeyDid"] as? String)
            let algorithmName = try #require(c["algorithm"] as? String)
            let algorithm = try #require(KeyAlgorithm(rawValue: algorithmName))
            let suite = try #require(c["didDocSuite"] as? String)
            let multibase = try #require(c["publicKeyMultibase"] as? String)
            let valid = try #require(c["validSignature"] as? Bool)

            let key = try DIDKey.parse(did)
            #expect(key.algorithm == algorithm, "\(comment)")
            #expect(key.didKey == did, "\(comment)")
            #expect(algorithm.didDocSuite == suite)
            // The fixture's publicKeyMultibase is the legacy bare-key form of the same key.
            let legacy = try Multikey.parse(multibase, type: suite)
            #expect(legacy.isSameKey(as: key), "\(comment)")

            #expect(key.verify(signature: signature, for: message) == valid, "\(comment)")
            if valid { accepted += 1 } else { rejected += 1 }
        }
        #expect(accepted == 2 && rejected == 2)
    }

    @Test("w3c_didkey_K256.json: private key hex → did:key")
    func didKeyK256() throws {
        let cases = try SharedFixtures.jsonArray("interop/crypto/w3c_didkey_K256.json")
        #expect(cases.count == 5)
        for c in cases {
            let raw = TestMath.hex(try #require(c["privateKeyBytesHex"] as? String))
            let expected = try #require(c["publicDidKey"] as? String)
            let key = try K256PrivateKey(rawRepresentation: raw)
            #expect(key.didKey == expected)
            let parsed = try DIDKey.parse(expected)
            #expect(parsed is K256PublicKey)
            #expect(parsed.compressedBytes == key.publicKey.compressedBytes)
            let message = Array("interop".utf8)
            #expect(parsed.verify(signature: try key.sign(message), for: message))
        }
    }

    @Test("w3c_didkey_P256.json: private key base58 → did:key")
    func didKeyP256() throws {
        let cases = try SharedFixtures.jsonArray("interop/crypto/w3c_didkey_P256.json")
        #expect(cases.count == 1)
        for c in cases {
            let raw = try Base58BTC.decode(try #require(c["privateKeyBytesBase58"] as? String))
            let expected = try #require(c["publicDidKey"] as? String)
            let key = try P256PrivateKey(rawRepresentation: raw)
            #expect(key.didKey == expected)
            let parsed = try DIDKey.parse(expected)
            #expect(parsed is P256PublicKey)
            #expect(parsed.compressedBytes == key.publicKey.compressedBytes)
            let message = Array("interop".utf8)
            #expect(parsed.verify(signature: try key.sign(message), for: message))
        }
    }
}
