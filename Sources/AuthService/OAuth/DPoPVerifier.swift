import Crypto
import Foundation
import IPLD
import JOSE
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

/// Verifies DPoP proofs: the stateless checks of `DPoPProofCheck` against this server's nonces,
/// then no replay.
public struct DPoPVerifier: Sendable {
    public let nonces: DPoPNonces
    let replay: DPoPReplayCache

    public init(nonces: DPoPNonces, replay: DPoPReplayCache = DPoPReplayCache()) {
        self.nonces = nonces
        self.replay = replay
    }

    /// `urls`: every form of the request URL the client may have signed (without query);
    /// `checkReplay` false for a proof a gateway has entered in the replay cache already.
    public func verify(_ proof: String?, method: String, urls: [String], accessToken: String? = nil,
                       now: Date = Date(), checkReplay: Bool = true) throws(OAuthError) -> CheckedDPoPProof {
        let checked: CheckedDPoPProof
        do {
            checked = try DPoPProofCheck.verify(proof, method: method, urls: urls, accessToken: accessToken, now: now) {
                nonces.isValid($0, now: now)
            }
        } catch {
            switch error {
            case .useNonce: throw .useDPoPNonce
            case .invalid(let reason): throw .invalidDPoPProof(reason)
            }
        }
        guard !checkReplay || replay.insert(checked.replayKey, expiresAt: checked.replayExpiresAt, now: now.timeIntervalSince1970) else {
            throw .invalidDPoPProof("DPoP proof replayed")
        }
        return checked
    }
}
