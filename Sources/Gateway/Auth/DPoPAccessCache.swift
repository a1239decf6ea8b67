import Foundation
import IPC
import Synchronization

/// What the gateway learnt from AuthService about DPoP-bound tokens, so the next proofs of a
/// token are checked here (signature, htm/htu, iat, nonce, ath, key) for a few seconds, as
/// legacy bearer tokens are: only the replay check then still goes to AuthService, and its
/// answer carries AuthService's revocation epoch, so a grant is never used past a revocation.
///
/// Nonces are AuthService's: one it answered with is taken for `nonceLifetime`, less than the
/// 3 to 9 minutes AuthService itself accepts it, so the gateway never admits one it would refuse.
/// A proof this cache cannot judge goes to AuthService, which has the last word.
final class DPoPAccessCache: Sendable {
    struct Grant: Sendable {
        let credentials: AuthTypes.Credentials
        /// The thumbprint of the key the token is bound to.
        let jkt: String
        let until: Double
        /// AuthService's revocation epoch it was granted in: it holds while the epoch does.
        let epoch: Int
    }
    static let lifetime: Double = 5
    static let nonceLifetime: Double = 150
    static let capacity = 10_000

    private let grants = Mutex<[String: Grant]>([:])
    /// Nonces AuthService handed out, with until when this gateway takes them; the newest last.
    private let nonces = Mutex<[(nonce: String, until: Double)]>([])

    /// The grant a token was found to carry, while still fresh.
    func grant(_ token: String, now: Double = Date().timeIntervalSince1970) -> Grant? {
        grants.withLock { $0[token] }.flatMap { $0.until > now ? $0 : nil }
    }

    /// Remembers AuthService's answer for a token it accepted.
    func remember(_ token: String, _ answer: OAuthTypes.AccessResponse, now: Double = Date().timeIntervalSince1970) {
        learn(nonce: answer.dpopNonce, now: now)
        guard let credentials = answer.credentials, let jkt = answer.jkt, let expiresAt = answer.expiresAt,
              let epoch = answer.epoch else { return }
        let grant = Grant(credentials: credentials, jkt: jkt, until: min(now + Self.lifetime, expiresAt), epoch: epoch)
        grants.withLock {
            if $0.count >= Self.capacity { $0.removeAll(keepingCapacity: true) }
            $0[token] = grant
        }
    }

    func forget(_ token: String) { _ = grants.withLock { $0.removeValue(forKey: token) } }

    /// Drops every grant older than `epoch` (a revoking write happened since they were made).
    func forget(before epoch: Int) { grants.withLock { $0 = $0.filter { $0.value.epoch >= epoch } } }

    /// Notes a nonce AuthService answered with.
    func learn(nonce: String, now: Double = Date().timeIntervalSince1970) {
        guard !nonce.isEmpty else { return }
        nonces.withLock { list in
            list.removeAll { $0.until <= now }
            if !list.contains(where: { $0.nonce == nonce }) { list.append((nonce, now + Self.nonceLifetime)) }
        }
    }

    /// Whether a proof's nonce is one AuthService handed out recently.
    func knows(nonce: String, now: Double = Date().timeIntervalSince1970) -> Bool {
        nonces.withLock { $0.contains { $0.nonce == nonce && $0.until > now } }
    }

    /// The nonce to send with a refusal: the newest known.
    var currentNonce: String? { nonces.withLock { $0.last?.nonce } }
}
