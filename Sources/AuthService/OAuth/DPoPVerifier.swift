import Crypto
import Foundation
import IPLD
import Synchronization

/// Server-issued DPoP nonces (RFC 9449 §8): an HMAC of the current time step, so every
/// AuthService restart and every gateway agree without storing anything. A nonce is good for
/// the step it was made in and the ones either side (3 to 9 minutes).
public final class DPoPNonces: Sendable {
    static let step: TimeInterval = 180
    private let key: SymmetricKey
    /// The accepted nonces of the current step, so a check costs no HMAC.
    private let accepted = Mutex<(counter: Int64, nonces: [String])>((-1, []))

    public init(secret: String) {
        key = SymmetricKey(data: HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Array(secret.utf8)),
                                                        info: Array("pdswift dpop nonce".utf8), outputByteCount: 32))
    }

    func nonce(counter: Int64) -> String {
        withUnsafeBytes(of: counter.bigEndian) { Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: $0, using: key))) }
    }

    func window(_ now: Date) -> [String] {
        let c = Int64(now.timeIntervalSince1970 / Self.step)
        if let hit = accepted.withLock({ $0.counter == c ? $0.nonces : nil }) { return hit }
        let nonces = [nonce(counter: c), nonce(counter: c - 1), nonce(counter: c + 1)]
        accepted.withLock { $0 = (c, nonces) }
        return nonces
    }

    /// The nonce to hand out now.
    public func current(now: Date = Date()) -> String { window(now)[0] }

    /// Whether a proof's nonce is still accepted.
    public func isValid(_ value: String, now: Date = Date()) -> Bool { window(now).contains(value) }
}

/// Proof `jti`s seen within their lifetime: a replayed proof is refused. One table in
/// AuthService serves every gateway, so a proof replayed at another replica is caught too.
public final class DPoPReplayCache: Sendable {
    private let seen = Mutex<(entries: [String: Double], nextSweep: Double)>(([:], 0))

    public init() {}

    /// Records `jti` until `expiresAt`; false when it was already there.
    public func insert(_ jti: String, expiresAt: Double, now: Double = Date().timeIntervalSince1970) -> Bool {
        seen.withLock { state in
            if now >= state.nextSweep {
                state.entries = state.entries.filter { $0.value > now }
                state.nextSweep = now + 30
            }
            if let until = state.entries[jti], until > now { return false }
            state.entries[jti] = expiresAt
            return true
        }
    }
}

/// A checked DPoP proof: the key's thumbprint (what tokens are bound to).
public struct DPoPProof: Sendable {
    public let jkt: String
    public let jti: String
}

/// Verifies DPoP proofs (RFC 9449 §4.3): `typ`, ES256 signature by the embedded public key,
/// `htm`, `htu`, fresh `iat`, server nonce, `ath` when a token comes with it, and no replay.
public struct DPoPVerifier: Sendable {
    public let nonces: DPoPNonces
    let replay: DPoPReplayCache
    /// How old (and how far in the future) `iat` may be.
    static let maxAge: TimeInterval = 60
    static let maxSkew: TimeInterval = 10

    public init(nonces: DPoPNonces, replay: DPoPReplayCache = DPoPReplayCache()) {
        self.nonces = nonces
        self.replay = replay
    }

    struct Header: Decodable { var typ: String?; var alg: String?; var jwk: JWK? }
    struct Payload: Decodable { var jti: String?; var htm: String?; var htu: String?; var iat: Double?; var nonce: String?; var ath: String? }

    /// `urls`: every form of the request URL the client may have signed (without query).
    public func verify(_ proof: String?, method: String, urls: [String], accessToken: String? = nil,
                       now: Date = Date()) throws(OAuthError) -> DPoPProof {
        guard let proof, !proof.isEmpty else { throw .invalidDPoPProof("DPoP proof required") }
        guard let jws = CompactJWS(proof), let header = jws.decodeHeader(Header.self) else {
            throw .invalidDPoPProof("DPoP proof is not a compact JWS")
        }
        guard header.typ == "dpop+jwt" else { throw .invalidDPoPProof("DPoP proof typ must be dpop+jwt") }
        guard header.alg == "ES256" else { throw .invalidDPoPProof("DPoP proof alg must be ES256") }
        guard let jwk = header.jwk else { throw .invalidDPoPProof("DPoP proof has no jwk header") }
        let key = try jwk.p256()
        guard jws.verifiesES256(with: key) else { throw .invalidDPoPProof("DPoP proof signature is invalid") }
        guard let claims = jws.decodePayload(Payload.self) else { throw .invalidDPoPProof("DPoP proof payload is not valid") }
        guard let jti = claims.jti, !jti.isEmpty, jti.count <= 256 else { throw .invalidDPoPProof("DPoP proof jti missing") }
        guard claims.htm?.uppercased() == method.uppercased() else { throw .invalidDPoPProof("DPoP htm mismatch") }
        guard let htu = claims.htu, urls.contains(htu) || urls.map(Self.normalize).contains(Self.normalize(htu)) else { throw .invalidDPoPProof("DPoP htu mismatch") }
        guard let iat = claims.iat else { throw .invalidDPoPProof("DPoP proof iat missing") }
        let t = now.timeIntervalSince1970
        guard iat <= t + Self.maxSkew, iat >= t - Self.maxAge else { throw .invalidDPoPProof("DPoP proof iat is too old or in the future") }
        guard let nonce = claims.nonce, nonces.isValid(nonce, now: now) else { throw .useDPoPNonce }
        if let accessToken {
            let expected = Base64URL.encode(Array(SHA256.hash(data: Array(accessToken.utf8))))
            guard let ath = claims.ath else { throw .invalidDPoPProof("DPoP proof ath missing") }
            guard ath == expected else { throw .invalidDPoPProof("DPoP proof ath does not match the access token") }
        }
        let jkt = jwk.thumbprint()
        guard replay.insert("\(jkt):\(jti)", expiresAt: iat + Self.maxAge + Self.maxSkew, now: t) else {
            throw .invalidDPoPProof("DPoP proof replayed")
        }
        return DPoPProof(jkt: jkt, jti: jti)
    }

    /// `htu` compares without query and fragment, scheme and host lower-cased.
    static func normalize(_ url: String) -> String {
        guard var c = URLComponents(string: url) else { return url }
        c.query = nil
        c.fragment = nil
        c.scheme = c.scheme?.lowercased()
        c.host = c.host?.lowercased()
        if (c.scheme == "https" && c.port == 443) || (c.scheme == "http" && c.port == 80) { c.port = nil }
        return c.string ?? url
    }
}
