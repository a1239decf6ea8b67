import ATCrypto
import Crypto
import Foundation
import IPLD
import JOSE

/// The fixed keys, clock and request the JOSE target signs and checks with, so a proof or
/// token in the corpus stays valid from one run to the next.
enum Fixed {
    /// A P-256 private key (scalar 0x0101…01: any value in range would do).
    static let privateKey = try! P256PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 32))
    static let publicKey = privateKey.key.publicKey
    /// Its public JWK, as a DPoP client sends it.
    static let jwk: JWK = {
        let point = Array(publicKey.x963Representation)
        return JWK(kty: "EC", crv: "P-256", x: Base64URL.encode(point[1..<33]), y: Base64URL.encode(point[33..<65]))
    }()
    /// The instant proofs and tokens are checked at (2023-11-14T22:13:20Z).
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let method = "POST"
    static let urls = ["https://pds.example.com/xrpc/com.atproto.repo.createRecord"]
    static let accessToken = "fuzz-access-token"

    /// `header.payload.signature` with the fixed key.
    static func sign(header: [UInt8], payload: [UInt8]) -> String {
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try! privateKey.sign(Array(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }

    /// The DPoP header with the fixed key.
    static var dpopHeader: [UInt8] {
        let key = try! JSONEncoder().encode(jwk)
        return Array("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":".utf8) + Array(key) + [UInt8(ascii: "}")]
    }

    /// A DPoP payload that passes every check at `now`.
    static let dpopPayload = Array("{\"jti\":\"fuzz-jti\",\"htm\":\"POST\",\"htu\":\"\(urls[0])\",\"iat\":1700000000,\"nonce\":\"n\"}".utf8)
}
