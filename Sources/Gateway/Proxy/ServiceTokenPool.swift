import Foundation
import IPC
import Synchronization

/// Service-auth tokens for the proxy, signed in RepoService a few at a time ahead of need.
///
/// Signing needs an IPC round trip to RepoService (it alone holds the keys), which was most of
/// the proxy hop's added latency. An app calls the same few methods of the same service again
/// and again (the timeline, notifications), so once a (DID, audience, method) has been asked
/// for twice within `maxAge`, a background call signs a batch of tokens for it, each with its
/// own `jti`, and later calls take one without waiting. A pooled token is at most `maxAge`
/// (30 s) old, so it still has at least 30 s of its 60 s left when used. A method called once
/// costs one signature, as before; a first call waits for its own.
final class ServiceTokenPool: Sendable {
    /// Signs `count` tokens for `did`, valid for `aud` and `lxm` until `exp`.
    typealias Sign = @Sendable (_ did: String, _ aud: String, _ lxm: String, _ exp: Int, _ count: Int) async throws(IPCError) -> RepoTypes.TokenResponse

    /// A token, and the repo's rev when it was signed on this request's behalf (nil when it
    /// came from the pool, signed earlier).
    struct Issued: Sendable { let token: String; let rev: String? }

    private struct Key: Hashable { let did: String; let aud: String; let lxm: String }
    private struct Stock {
        var tokens: [(token: String, signed: ContinuousClock.Instant)] = []
        var uses: [ContinuousClock.Instant] = []
        var refilling = false
    }

    static let maxAge: Duration = .seconds(30)
    static let batch = 8
    static let maxKeys = 10_000
    private let sign: Sign
    private let stocks = Mutex<[Key: Stock]>([:])

    init(sign: @escaping Sign) { self.sign = sign }

    /// A token for one proxied call; `fresh` signs one for this call alone, with the repo's rev.
    func token(did: String, aud: String, lxm: String, fresh: Bool = false) async throws(IPCError) -> Issued {
        if fresh {
            let signed = try await sign(did, aud, lxm, Self.expiry(), 1)
            return Issued(token: signed.token, rev: signed.rev)
        }
        let key = Key(did: did, aud: aud, lxm: lxm)
        let now = ContinuousClock.now
        let (pooled, refill) = stocks.withLock { table -> (String?, Bool) in
            if table.count >= Self.maxKeys && table[key] == nil { table.removeAll(keepingCapacity: true) }
            var stock = table[key] ?? Stock()
            stock.tokens.removeAll { now - $0.signed > Self.maxAge }
            stock.uses = stock.uses.filter { now - $0 < Self.maxAge }.suffix(3) + [now]
            let pooled = stock.tokens.isEmpty ? nil : stock.tokens.removeFirst().token
            let refill = !stock.refilling && stock.tokens.count < 2 && stock.uses.count >= 2
            if refill { stock.refilling = true }
            table[key] = stock
            return (pooled, refill)
        }
        if refill { Task { await self.refill(key) } }
        if let pooled { return Issued(token: pooled, rev: nil) }
        let signed = try await sign(did, aud, lxm, Self.expiry(), 1)
        return Issued(token: signed.token, rev: signed.rev)
    }

    private func refill(_ key: Key) async {
        let signed = try? await sign(key.did, key.aud, key.lxm, Self.expiry(), Self.batch)
        let now = ContinuousClock.now
        stocks.withLock { table in
            guard var stock = table[key] else { return }
            stock.refilling = false
            if let signed { stock.tokens += ([signed.token] + (signed.more ?? [])).map { ($0, now) } }
            table[key] = stock
        }
    }

    /// Sixty seconds from now, as the reference's proxy tokens.
    static func expiry() -> Int { Int(Date().timeIntervalSince1970) + 60 }

    /// Tokens held for a key (tests).
    func held(did: String, aud: String, lxm: String) -> Int {
        stocks.withLock { $0[Key(did: did, aud: aud, lxm: lxm)]?.tokens.count ?? 0 }
    }
}
