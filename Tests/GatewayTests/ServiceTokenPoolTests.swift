@testable import Gateway
import IPC
import Synchronization
import Testing

/// Service-auth tokens signed ahead for methods called again and again.
@Suite struct ServiceTokenPoolTests {
    final class Signer: Sendable {
        let calls = Mutex<[Int]>([])
        let serial = Mutex(0)
        func sign(_ count: Int) -> RepoTypes.TokenResponse {
            calls.withLock { $0.append(count) }
            let tokens = (0..<count).map { _ in serial.withLock { $0 += 1; return "token-\($0)" } }
            return RepoTypes.TokenResponse(token: tokens[0], rev: "3rev", more: count > 1 ? Array(tokens.dropFirst()) : nil)
        }
    }

    @Test func aRepeatedMethodGetsTokensSignedAheadEachUsedOnce() async throws {
        let signer = Signer()
        let pool = ServiceTokenPool { _, _, _, _, count throws(IPCError) in signer.sign(count) }
        let first = try await pool.token(did: "did:plc:a", aud: "did:web:x", lxm: "app.bsky.feed.getTimeline")
        #expect(first.rev == "3rev", "a freshly signed token carries the repo's rev")
        #expect(signer.calls.withLock { $0 } == [1], "a method called once costs one signature")
        let second = try await pool.token(did: "did:plc:a", aud: "did:web:x", lxm: "app.bsky.feed.getTimeline")
        var filled = false
        for _ in 0..<200 where !filled {
            filled = pool.held(did: "did:plc:a", aud: "did:web:x", lxm: "app.bsky.feed.getTimeline") == ServiceTokenPool.batch
            if !filled { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(filled)
        var seen: Set<String> = [first.token, second.token]
        for _ in 0..<6 {
            let pooled = try await pool.token(did: "did:plc:a", aud: "did:web:x", lxm: "app.bsky.feed.getTimeline")
            #expect(pooled.rev == nil, "a pooled token was signed before this call")
            #expect(seen.insert(pooled.token).inserted, "no token is handed out twice")
        }
        // Another method or audience has a stock of its own.
        _ = try await pool.token(did: "did:plc:a", aud: "did:web:other", lxm: "app.bsky.feed.getTimeline")
        #expect(signer.calls.withLock { $0.filter { $0 == 1 }.count } == 3)
    }
}
