import Crypto
import IPLD

/// Why a JOSE object was refused: a human-readable reason for the error description.
public struct JOSEError: Error, Sendable, Equatable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// A public JSON Web Key of the one kind the atproto OAuth profile requires: EC P-256 (ES256).
public struct JWK: Codable, Sendable, Equatable {
    public var kty: String
    public var crv: String?
    public var x: String?
    public var y: String?
    public var kid: String?
    public var alg: String?
    public var use: String?
    /// A private key's scalar: its presence makes a key unusable as a public one.
    public var d: String?

    public init(kty: String, crv: String? = nil, x: String? = nil, y: String? = nil,
                kid: String? = nil, alg: String? = nil, use: String? = nil, d: String? = nil) {
        self.kty = kty; self.crv = crv; self.x = x; self.y = y; self.kid = kid; self.alg = alg; self.use = use; self.d = d
    }

    /// The swift-crypto key, when this is a valid public P-256 key.
    public func p256() throws(JOSEError) -> P256.Signing.PublicKey {
        guard kty == "EC", crv == "P-256", d == nil, let x, let y,
              let xb = Base64URL.decode(x), let yb = Base64URL.decode(y), xb.count == 32, yb.count == 32,
              let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + xb + yb) else {
            throw JOSEError("the key must be a public EC P-256 JWK")
        }
        return key
    }

    /// The RFC 7638 thumbprint: base64url SHA-256 of the required members in lexical order.
    public func thumbprint() -> String {
        let canonical = "{\"crv\":\"\(crv ?? "")\",\"kty\":\"\(kty)\",\"x\":\"\(x ?? "")\",\"y\":\"\(y ?? "")\"}"
        return Base64URL.encode(Array(SHA256.hash(data: Array(canonical.utf8))))
    }
}
