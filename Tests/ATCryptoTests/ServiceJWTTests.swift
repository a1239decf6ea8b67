@testable import ATCrypto
import Foundation
import IPLD
import Testing

@Suite struct ServiceJWTTests {
    @Test(arguments: [KeyAlgorithm.k256, .p256])
    func signVerifyAndRefuse(algorithm: KeyAlgorithm) throws {
        let key = algorithm.generateSigningKey()
        let now = Int(Date().timeIntervalSince1970)
        let claims = ServiceJWT.Claims(iss: "did:plc:alice", aud: "did:web:api.bsky.app", exp: now + 60, iat: now,
                                       lxm: "app.bsky.feed.getTimeline", jti: "abc")
        let token = try ServiceJWT.sign(claims, with: key)
        let header = String(decoding: Base64URL.decode(String(token.split(separator: ".")[0]))!, as: UTF8.self)
        #expect(header.contains("\"alg\":\"\(algorithm.rawValue)\""))
        #expect(try ServiceJWT.verify(token, key: key.publicKey) == claims)
        // Another key, a tampered payload, an expired token: refused.
        #expect(throws: CryptoError.self) { try ServiceJWT.verify(token, key: algorithm.generateSigningKey().publicKey) }
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = Base64URL.encode(Array(#"{"iss":"did:plc:mallory","aud":"x","exp":9999999999,"iat":0,"jti":"a"}"#.utf8))
        #expect(throws: CryptoError.self) { try ServiceJWT.verify(parts.joined(separator: "."), key: key.publicKey) }
        #expect(throws: CryptoError.self) { try ServiceJWT.verify(token, key: key.publicKey, now: Date().addingTimeInterval(120)) }
        #expect(throws: CryptoError.self) { try ServiceJWT.verify("a.b", key: key.publicKey) }
        // The signature is the 64-byte compact form.
        #expect(Base64URL.decode(String(token.split(separator: ".")[2]))?.count == 64)
    }

    /// The hand-written payload is what JSONEncoder with sorted keys writes, escapes included.
    @Test func payloadMatchesJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for claims in [
            ServiceJWT.Claims(iss: "did:plc:alice", aud: "did:web:api.bsky.app#bsky_appview", exp: 1_700_000_060, iat: 1_700_000_000,
                              lxm: "app.bsky.feed.getTimeline", jti: ServiceJWT.newJTI()),
            ServiceJWT.Claims(iss: "did:web:a\"b\\c\n\u{1}", aud: "x/y", exp: 1, iat: 0, lxm: nil, jti: "j"),
        ] {
            #expect(String(decoding: ServiceJWT.payload(claims), as: UTF8.self) == String(decoding: try encoder.encode(claims), as: UTF8.self))
        }
        #expect(ServiceJWT.newJTI().count == 32 && ServiceJWT.newJTI() != ServiceJWT.newJTI())
    }
}
