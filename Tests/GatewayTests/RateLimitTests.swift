import Config
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import IPC
import NIOCore
import Synchronization
import Testing

/// An AuthService double whose rate-limit table lets every key through `cap` times (the real
/// limits are in the thousands), reporting the limits the gateway asked for. It serves only
/// the methods these tests reach; anything else answers MethodNotImplemented.
final class CappedCounters: Sendable {
    let cap: Int
    /// Caps for particular limits, by limit name (the key before its `:`).
    let capsByLimit: [String: Int]
    let counts = Mutex<[String: Int]>([:])
    let asked = Mutex<[RateLimitTypes.Bucket]>([])
    init(cap: Int, capsByLimit: [String: Int] = [:]) {
        self.cap = cap
        self.capsByLimit = capsByLimit
    }

    func consume(_ r: RateLimitTypes.ConsumeRequest) -> RateLimitTypes.ConsumeResponse {
        asked.withLock { $0 += r.buckets }
        return .init(statuses: r.buckets.map { b in
            let n = counts.withLock { c -> Int in c[b.key, default: 0] += b.points; return c[b.key]! }
            let limitCap = capsByLimit[String(b.key.prefix { $0 != ":" })] ?? cap
            return .init(limit: b.limit, remaining: max(0, b.limit - n), resetAt: 2_000_000_000, windowSeconds: b.windowSeconds, exceeded: n > limitCap)
        })
    }

    func rpcHandlers() -> RPCHandlers {
        var h = RPCHandlers()
        h.register(AuthMethods.consumeRateLimit) { r async throws(IPCError) in self.consume(r) }
        h.register(AuthMethods.createSession) { _ async throws(IPCError) -> AuthTypes.Session in
            throw .remote(name: "AuthenticationRequired", message: "Invalid identifier or password")
        }
        return h
    }
}

@Suite struct RateLimitTests {
    func makeApp(_ counters: CappedCounters, environment: [String: String] = [:]) throws -> some ApplicationProtocol {
        var env = ["PDS_DATA_DIRECTORY": NSTemporaryDirectory() + "gw-rl-\(UUID().uuidString.prefix(8))",
                   "PDS_JWT_SECRET": "0123456789abcdef0123", "PDS_ADMIN_PASSWORD": "admin"]
        env.merge(environment) { $1 }
        let services = ServiceConnections(callers: [.auth: InProcessCaller(counters.rpcHandlers(), name: "auth")], metrics: GatewayMetrics())
        return Application(router: try GatewayServer.router(config: try PDSConfig(environment: env), services: services, metrics: GatewayMetrics()))
    }

    func header(_ r: TestResponse, _ name: String) -> String? { r.headers[HTTPField.Name(name)!] }

    @Test func everyCallCarriesTheHeadersAndTheGlobalLimitAnswers429() async throws {
        let counters = CappedCounters(cap: 3)
        try await makeApp(counters).test(.router) { client in
            for expected in ["2999", "2998", "2997"] {
                let ok = try await client.execute(uri: "/xrpc/com.atproto.server.describeServer", method: .get)
                #expect(ok.status == .ok)
                #expect(header(ok, "RateLimit-Limit") == "3000")
                #expect(header(ok, "RateLimit-Remaining") == expected)
                #expect(header(ok, "RateLimit-Policy") == "3000;w=300")
                #expect(header(ok, "RateLimit-Reset") == "2000000000")
            }
            let refused = try await client.execute(uri: "/xrpc/com.atproto.server.describeServer", method: .get)
            #expect(refused.status == .tooManyRequests)
            let body = try JSONSerialization.jsonObject(with: Data(refused.body.readableBytesView)) as? [String: Any]
            #expect(body?["error"] as? String == "RateLimitExceeded")
            #expect(header(refused, "RateLimit-Limit") == "3000")
            #expect(header(refused, "RateLimit-Remaining") == "2996")
        }
        #expect(counters.asked.withLock { $0 }.allSatisfy { $0.key.hasPrefix("global:") })
    }

    @Test func createSessionIsLimitedPerIdentifierAndReportsItsTighterLimit() async throws {
        let counters = CappedCounters(cap: 2)
        try await makeApp(counters).test(.router) { client in
            let login = ByteBuffer(string: #"{"identifier":"Alice.test","password":"wrong"}"#)
            let first = try await client.execute(uri: "/xrpc/com.atproto.server.createSession", method: .post,
                                                 headers: [.contentType: "application/json"], body: login)
            #expect(first.status == .unauthorized)
            #expect(header(first, "RateLimit-Limit") == "30", "the 30 / 5 min limit is the tightest")
            #expect(header(first, "RateLimit-Policy") == "30;w=300")
            _ = try await client.execute(uri: "/xrpc/com.atproto.server.createSession", method: .post,
                                         headers: [.contentType: "application/json"], body: login)
            let third = try await client.execute(uri: "/xrpc/com.atproto.server.createSession", method: .post,
                                                 headers: [.contentType: "application/json"], body: login)
            #expect(third.status == .tooManyRequests)
        }
        let keys = Set(counters.asked.withLock { $0 }.map(\.key))
        #expect(keys.contains("create-session:alice.test") && keys.contains("create-session-day:alice.test"))
    }

    @Test func createSessionIsAlsoLimitedPerClientIP() async throws {
        let counters = CappedCounters(cap: 2, capsByLimit: ["global": 100])
        @Sendable func login(_ client: some TestClientProtocol, _ identifier: String, from ip: String) async throws -> TestResponse {
            try await client.execute(uri: "/xrpc/com.atproto.server.createSession", method: .post,
                                     headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: ip],
                                     body: ByteBuffer(string: #"{"identifier":"\#(identifier)","password":"wrong"}"#))
        }
        try await makeApp(counters).test(.router) { client in
            // Each identifier is fresh, so only the per-IP counter can refuse the third.
            let first = try await login(client, "alice.test", from: "203.0.113.1")
            let second = try await login(client, "bob.test", from: "203.0.113.1")
            #expect(first.status == .unauthorized && second.status == .unauthorized)
            let third = try await login(client, "carol.test", from: "203.0.113.1")
            #expect(third.status == .tooManyRequests)
            #expect(header(third, "RateLimit-Policy") == "30;w=300")
            // Another address is not affected.
            let elsewhere = try await login(client, "dave.test", from: "198.51.100.7")
            #expect(elsewhere.status == .unauthorized)
        }
        let keys = Set(counters.asked.withLock { $0 }.map(\.key))
        #expect(keys.isSuperset(of: ["create-session-ip:203.0.113.1", "create-session-ip-day:203.0.113.1", "create-session-ip:198.51.100.7"]))
        // The refused login never reached the per-identifier counters.
        #expect(!keys.contains("create-session:carol.test"))
    }

    @Test func bypassKeyAndSwitchingOffSkipEveryLimit() async throws {
        let counters = CappedCounters(cap: 0)
        try await makeApp(counters, environment: ["PDS_RATE_LIMIT_BYPASS_KEY": "import-secret"]).test(.router) { client in
            let refused = try await client.execute(uri: "/xrpc/com.atproto.server.describeServer", method: .get,
                                                   headers: [HTTPField.Name("x-ratelimit-bypass")!: "wrong"])
            #expect(refused.status == .tooManyRequests)
            let bypassed = try await client.execute(uri: "/xrpc/com.atproto.server.describeServer", method: .get,
                                                    headers: [HTTPField.Name("x-ratelimit-bypass")!: "import-secret"])
            #expect(bypassed.status == .ok)
            #expect(header(bypassed, "RateLimit-Limit") == nil)
        }
        try await makeApp(counters, environment: ["PDS_RATE_LIMITS_ENABLED": "false"]).test(.router) { client in
            let ok = try await client.execute(uri: "/xrpc/com.atproto.server.describeServer", method: .get)
            #expect(ok.status == .ok)
            #expect(header(ok, "RateLimit-Limit") == nil)
        }
    }

    @Test func clientAddressTrustsOnlyALocalProxy() throws {
        let proxied: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "6.6.6.6, 203.0.113.9"]
        #expect(ClientAddress.of(peer: try SocketAddress(ipAddress: "127.0.0.1", port: 1), headers: proxied) == "203.0.113.9")
        #expect(ClientAddress.of(peer: try SocketAddress(ipAddress: "198.51.100.4", port: 1), headers: proxied) == "198.51.100.4")
    }
}
