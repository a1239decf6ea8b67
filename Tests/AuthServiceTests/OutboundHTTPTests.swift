import Foundation
import Hummingbird
import Identity
import Synchronization
import TestSupport
import Testing

/// The outbound client for user-named hosts, against a real loopback HTTP server: private
/// addresses refused before any request, redirects never followed, bodies bounded.
@Suite(.serialized) struct OutboundHTTPTests {
    final class Hits: Sendable {
        let paths = Mutex<[String]>([])
        var all: [String] { paths.withLock { $0 } }
    }

    func withServer(_ body: (Int, Hits) async throws -> Void) async throws {
        let hits = Hits()
        let router = Router()
        router.get("/ok") { request, _ -> String in hits.paths.withLock { $0.append(request.uri.path) }; return "fine" }
        router.get("/redirect") { request, _ -> Response in
            hits.paths.withLock { $0.append(request.uri.path) }
            return Response(status: .found, headers: [.location: "/secret"])
        }
        router.get("/secret") { request, _ -> String in hits.paths.withLock { $0.append(request.uri.path) }; return "secret" }
        router.get("/big") { _, _ -> String in String(repeating: "x", count: 100_000) }
        let port = try LoopbackPort.free()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        for _ in 0..<200 {
            if (try? await OutboundHTTP(allowPrivateAddresses: true).get(URL(string: "http://127.0.0.1:\(port)/big")!, timeout: 1, maxBytes: 1 << 20)) != nil { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        try await body(port, hits)
    }

    @Test func privateAddressesAreRefusedBeforeAnyRequest() async throws {
        try await withServer { port, hits in
            let url = URL(string: "http://127.0.0.1:\(port)/ok")!
            await #expect(throws: OutboundHTTPError.self) { try await OutboundHTTP(allowPrivateAddresses: false).get(url, timeout: 2, maxBytes: 100) }
            #expect(hits.all.isEmpty, "the refused request reached the server")
            // A public-looking name that resolves to a private address is refused as well.
            let rebinding = OutboundHTTP(allowPrivateAddresses: false, addressLookup: { _ in ["93.184.216.34", "10.0.0.7"] })
            do {
                _ = try await rebinding.get(URL(string: "https://example.com/")!, timeout: 2, maxBytes: 100)
                Issue.record("a name with a private address was fetched")
            } catch {
                #expect(error as? OutboundHTTPError == .refused("example.com resolves to a loopback, private or otherwise non-public address"))
            }
            let nowhere = OutboundHTTP(allowPrivateAddresses: false, addressLookup: { _ in [] })
            await #expect(throws: OutboundHTTPError.unreachable("nowhere.invalid does not resolve")) {
                try await nowhere.get(URL(string: "https://nowhere.invalid/")!, timeout: 2, maxBytes: 100)
            }
            await #expect(throws: OutboundHTTPError.self) {
                try await OutboundHTTP(allowPrivateAddresses: true).get(URL(string: "file:///etc/passwd")!, timeout: 2, maxBytes: 100)
            }
            let ok = try await OutboundHTTP(allowPrivateAddresses: true).get(url, timeout: 2, maxBytes: 100)
            #expect(ok.status == 200 && String(decoding: ok.body, as: UTF8.self) == "fine")
        }
    }

    @Test func redirectsAreNotFollowedAndBodiesAreBounded() async throws {
        try await withServer { port, hits in
            let client = OutboundHTTP(allowPrivateAddresses: true)
            let redirect = try await client.get(URL(string: "http://127.0.0.1:\(port)/redirect")!, timeout: 2, maxBytes: 1000)
            #expect(redirect.status == 302)
            #expect(hits.all == ["/redirect"], "the redirect was followed: \(hits.all)")
            await #expect(throws: OutboundHTTPError.tooLarge(1000)) {
                try await client.get(URL(string: "http://127.0.0.1:\(port)/big")!, timeout: 2, maxBytes: 1000)
            }
        }
    }
}
