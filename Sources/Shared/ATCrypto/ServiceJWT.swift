import Foundation
import IPLD

/// Inter-service auth tokens (`com.atproto.server.getServiceAuth`): JWTs signed with an
/// account's repo key, ES256K for k256 keys and ES256 for p256. jwt-kit has no ES256K,
/// so they are built here: base64url header and payload, SHA-256, compact low-S signature.
public enum ServiceJWT {
    /// A random `jti`: 16 bytes as hex.
    public static func newJTI() -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for _ in 0..<16 {
            let b = UInt8.random(in: 0...255)
            out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The claims of a service JWT.
    public struct Claims: Codable, Sendable, Equatable {
        public var iss: String
        public var aud: String
        public var exp: Int
        public var iat: Int
        /// The XRPC method the token is limited to, if any.
        public var lxm: String?
        public var jti: String

        public init(iss: String, aud: String, exp: Int, iat: Int, lxm: String?, jti: String) {
            self.iss = iss
            self.aud = aud
            self.exp = exp
            self.iat = iat
            self.lxm = lxm
            self.jti = jti
        }
    }

    struct Header: Codable { var typ: String; var alg: String }

    /// Signs a token for `claims` with `key`.
    ///
    /// The header and payload are written by hand, in the form `JSONEncoder` gives with sorted
    /// keys (`ServiceJWTTests` holds them equal): a proxied call signs one of these on its
    /// path, and Foundation's encoder cost more than the signature.
    public static func sign(_ claims: Claims, with key: any SigningKey) throws -> String {
        let header = Base64URL.encode(Array("{\"alg\":\"\(key.algorithm.rawValue)\",\"typ\":\"JWT\"}".utf8))
        let signingInput = "\(header).\(Base64URL.encode(payload(claims)))"
        let signature = try key.sign(Array(signingInput.utf8))
        return "\(signingInput).\(Base64URL.encode(signature))"
    }

    /// The claims as JSON, keys sorted, `lxm` left out when nil.
    static func payload(_ claims: Claims) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        func key(_ name: String, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            string(name)
            out.append(UInt8(ascii: ":"))
        }
        func string(_ value: String) {
            out.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out += Array("\\\"".utf8)
                case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
                case 0x0A: out += Array("\\n".utf8)
                case 0x0D: out += Array("\\r".utf8)
                case 0x09: out += Array("\\t".utf8)
                case 0x08: out += Array("\\b".utf8)
                case 0x0C: out += Array("\\f".utf8)
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "{"))
        key("aud", first: true); string(claims.aud)
        key("exp"); out += Array(String(claims.exp).utf8)
        key("iat"); out += Array(String(claims.iat).utf8)
        key("iss"); string(claims.iss)
        key("jti"); string(claims.jti)
        if let lxm = claims.lxm { key("lxm"); string(lxm) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A token's claims, read WITHOUT checking its signature: only to learn whose key to
    /// verify it with (`iss`), before `verify`.
    public static func unverifiedClaims(_ token: String) throws(CryptoError) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])),
              let claims = try? JSONDecoder().decode(Claims.self, from: Data(payload)) else {
            throw CryptoError("malformed JWT")
        }
        return claims
    }

    /// Verifies a token's signature with `key` and its expiry, returning its claims.
    public static func verify(_ token: String, key: any PublicKey, now: Date = Date()) throws(CryptoError) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]) else {
            throw CryptoError("malformed JWT")
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)),
              header.alg == key.algorithm.rawValue else {
            throw CryptoError("JWT algorithm does not match the key")
        }
        guard key.verify(signature: signature, for: Array("\(parts[0]).\(parts[1])".utf8)) else {
            throw CryptoError("JWT signature does not verify")
        }
        guard let claims = try? JSONDecoder().decode(Claims.self, from: Data(payloadBytes)) else {
            throw CryptoError("malformed JWT claims")
        }
        guard Double(claims.exp) > now.timeIntervalSince1970 else { throw CryptoError("JWT expired") }
        return claims
    }
}
