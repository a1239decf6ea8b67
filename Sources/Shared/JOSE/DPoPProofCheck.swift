import Crypto
import Foundation
import IPLD
import Synchronization

/// Why a DPoP proof was refused: RFC 9449's `invalid_dpop_proof` with a reason, or
/// `use_dpop_nonce` when it lacks a nonce the server accepts.
public enum DPoPProofError: Error, Sendable, Equatable {
    case invalid(String)
    case useNonce
}

/// A proof that passed every stateless check: the key's thumbprint (what tokens are bound
/// to), and the `jti` and `iat` a replay cache keeps it under.
public struct CheckedDPoPProof: Sendable, Equatable {
    public let jkt: String
    public let jti: String
    public let iat: Double
    /// The key a replay cache records: one key's `jti`s never collide with another's.
    public var replayKey: String { "\(jkt):\(jti)" }
    /// Until when a replay must be refused: past it `iat` is too old anyway.
    public var replayExpiresAt: Double { iat + DPoPProofCheck.maxAge + DPoPProofCheck.maxSkew }
}

/// The stateless checks of a DPoP proof (RFC 9449 §4.3): `typ`, ES256 signature by the embedded
/// public key, `jti`, `htm`, `htu`, fresh `iat`, the server's nonce, and `ath` when a token comes
/// with it. Replay is the caller's: AuthService and the gateway keep `jti`s differently.
public enum DPoPProofCheck {
    /// How old (and how far in the future) `iat` may be.
    public static let maxAge: TimeInterval = 60
    public static let maxSkew: TimeInterval = 10

    struct Header: Decodable { var typ: String?; var alg: String?; var jwk: JWK? }
    struct Payload: Decodable { var jti: String?; var htm: String?; var htu: String?; var iat: Double?; var nonce: String?; var ath: String? }

    /// `urls`: every form of the request URL the client may have signed (without query);
    /// `nonceIsValid` says whether the proof's nonce is one the server still accepts.
    public static func verify(_ proof: String?, method: String, urls: [String], accessToken: String? = nil,
                              now: Date = Date(), nonceIsValid: (String) -> Bool) throws(DPoPProofError) -> CheckedDPoPProof {
        guard let proof, !proof.isEmpty else { throw .invalid("DPoP proof required") }
        guard let jws = CompactJWS(proof) else { throw .invalid("DPoP proof is not a compact JWS") }
        let (key, jkt) = try proofKey(proof, jws)
        guard jws.verifiesES256(with: key) else { throw .invalid("DPoP proof signature is invalid") }
        guard let claims = jws.decodePayload(Payload.self) else { throw .invalid("DPoP proof payload is not valid") }
        guard let jti = claims.jti, !jti.isEmpty, jti.count <= 256 else { throw .invalid("DPoP proof jti missing") }
        guard claims.htm?.uppercased() == method.uppercased() else { throw .invalid("DPoP htm mismatch") }
        guard let htu = claims.htu, urls.contains(htu) || urls.map(normalize).contains(normalize(htu)) else { throw .invalid("DPoP htu mismatch") }
        guard let iat = claims.iat else { throw .invalid("DPoP proof iat missing") }
        let t = now.timeIntervalSince1970
        guard iat <= t + maxSkew, iat >= t - maxAge else { throw .invalid("DPoP proof iat is too old or in the future") }
        guard let nonce = claims.nonce, nonceIsValid(nonce) else { throw .useNonce }
        if let accessToken {
            guard let ath = claims.ath else { throw .invalid("DPoP proof ath missing") }
            guard ath == tokenHash(accessToken) else { throw .invalid("DPoP proof ath does not match the access token") }
        }
        return CheckedDPoPProof(jkt: jkt, jti: jti, iat: iat)
    }

    /// A client signs every proof with one key, so every proof it sends has the same header
    /// segment: its checked key and thumbprint are kept by that segment (a pure function of
    /// its bytes) and the JSON, the point validation and the hash run once per key.
    private static let checkedHeaders = Mutex<[Substring: (key: P256.Signing.PublicKey, jkt: String)]>([:])

    static func proofKey(_ proof: String, _ jws: CompactJWS) throws(DPoPProofError) -> (P256.Signing.PublicKey, String) {
        let segment = proof.prefix { $0 != "." }
        if let hit = checkedHeaders.withLock({ $0[segment] }) { return hit }
        guard let header = jws.decodeHeader(Header.self) else { throw .invalid("DPoP proof is not a compact JWS") }
        guard header.typ == "dpop+jwt" else { throw .invalid("DPoP proof typ must be dpop+jwt") }
        guard header.alg == "ES256" else { throw .invalid("DPoP proof alg must be ES256") }
        guard let jwk = header.jwk else { throw .invalid("DPoP proof has no jwk header") }
        let key: P256.Signing.PublicKey
        do { key = try jwk.p256() } catch { throw .invalid(error.reason) }
        let checked = (key: key, jkt: jwk.thumbprint())
        checkedHeaders.withLock {
            if $0.count >= 4_096 { $0.removeAll() }
            $0[Substring(String(segment))] = checked
        }
        return checked
    }

    /// A proof's `ath`: base64url SHA-256 of the access token.
    public static func tokenHash(_ token: String) -> String { Base64URL.encode(Array(SHA256.hash(data: Array(token.utf8)))) }

    /// `htu` compares without query and fragment, scheme and host lower-cased.
    public static func normalize(_ url: String) -> String {
        guard var c = URLComponents(string: url) else { return url }
        c.query = nil
        c.fragment = nil
        c.scheme = c.scheme?.lowercased()
        c.host = c.host?.lowercased()
        if (c.scheme == "https" && c.port == 443) || (c.scheme == "http" && c.port == 80) { c.port = nil }
        return c.string ?? url
    }
}
