import AuthService
import IPC
import Synchronization
import Testing

@Suite struct RateLimitTableTests {
    /// A clock the test moves by hand.
    final class FakeClock: Sendable {
        let now = Mutex<Double>(1_000_000)
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    }

    static func bucket(_ key: String, limit: Int = 3, window: Int = 300, points: Int = 1) -> RateLimitTypes.Bucket {
        .init(key: key, limit: limit, windowSeconds: window, points: points)
    }

    @Test func countsDownThenRefusesUntilTheWindowEnds() {
        let clock = FakeClock()
        let table = RateLimitTable(clock: { clock.now.withLock { $0 } })
        let remaining = (0..<3).map { _ in table.consume([Self.bucket("a")])[0] }
        #expect(remaining.map(\.remaining) == [2, 1, 0])
        #expect(remaining.allSatisfy { !$0.exceeded })
        #expect(remaining[0].resetAt == 1_000_300)
        let refused = table.consume([Self.bucket("a")])[0]
        #expect(refused.exceeded && refused.remaining == 0)
        clock.advance(299)
        #expect(table.consume([Self.bucket("a")])[0].exceeded)
        clock.advance(1)
        let fresh = table.consume([Self.bucket("a")])[0]
        #expect(!fresh.exceeded && fresh.remaining == 2 && fresh.resetAt == 1_000_600)
    }

    @Test func keysAndWindowsAreSeparateAndPointsAdd() {
        let table = RateLimitTable()
        let both = table.consume([Self.bucket("x", limit: 10, window: 300, points: 4), Self.bucket("x", limit: 10, window: 86400, points: 4)])
        #expect(both.map(\.remaining) == [6, 6])
        #expect(table.consume([Self.bucket("y", limit: 10, points: 3)])[0].remaining == 7)
        let over = table.consume([Self.bucket("x", limit: 10, window: 300, points: 7)])[0]
        #expect(over.exceeded)
        #expect(table.count == 3)
    }

    @Test func tightestPrefersExceededThenFewestLeft() {
        let a = RateLimitTypes.Status(limit: 30, remaining: 5, resetAt: 1, windowSeconds: 300, exceeded: false)
        let b = RateLimitTypes.Status(limit: 300, remaining: 200, resetAt: 2, windowSeconds: 86400, exceeded: false)
        let c = RateLimitTypes.Status(limit: 300, remaining: 0, resetAt: 2, windowSeconds: 86400, exceeded: true)
        #expect(RateLimitTypes.ConsumeResponse(statuses: [b, a]).tightest == a)
        #expect(RateLimitTypes.ConsumeResponse(statuses: [a, c]).tightest == c)
    }
}
