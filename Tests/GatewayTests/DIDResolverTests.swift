import ATCrypto
import Foundation
@testable import Gateway
import Identity
import Synchronization
import Testing

/// The proxy's DID resolution: the cache, stale-while-down, and DID documents read from JSON.
@Suite struct DIDResolverTests {
    final class Directory: Sendable {
        let fetches = Mutex(0)
        let answer = Mutex<Result<String, DIDResolver.Failure>>(.success("https://one.example"))
        func fetch(_ did: String) throws(DIDResolver.Failure) -> DIDDocument {
            fetches.withLock { $0 += 1 }
            switch answer.withLock({ $0 }) {
            case .success(let endpoint):
                return DIDDocument(did: did, alsoKnownAs: [], verificationMethods: [:],
                                   services: ["bsky_appview": .init(type: "BskyAppView", endpoint: endpoint)])
            case .failure(let failure): throw failure
            }
        }
        var count: Int { fetches.withLock { $0 } }
        func set(_ result: Result<String, DIDResolver.Failure>) { answer.withLock { $0 = result } }
    }

    static let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"

    @Test func freshEntriesAreServedFromTheCache() async throws {
        let directory = Directory()
        let resolver = DIDResolver(staleAfter: .seconds(60), maxAge: .seconds(120)) { did throws(DIDResolver.Failure) in try directory.fetch(did) }
        _ = try await resolver.resolve(Self.did)
        _ = try await resolver.resolve(Self.did)
        #expect(directory.count == 1)
    }

    @Test func staleEntriesAreAnsweredAndRefreshedInTheBackground() async throws {
        let directory = Directory()
        let resolver = DIDResolver(staleAfter: .milliseconds(50), maxAge: .seconds(60)) { did throws(DIDResolver.Failure) in try directory.fetch(did) }
        _ = try await resolver.resolve(Self.did)
        try await Task.sleep(for: .milliseconds(80))
        directory.set(.success("https://two.example"))
        // Stale: the old document at once, a refresh behind it.
        #expect(try await resolver.resolve(Self.did).services["bsky_appview"]?.endpoint == "https://one.example")
        let refreshed = await eventually { directory.count == 2 }
        #expect(refreshed)
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await resolver.resolve(Self.did).services["bsky_appview"]?.endpoint == "https://two.example")
    }

    @Test func anExpiredEntryIsUsedWhileTheResolverIsDownButNotForAMissingDID() async throws {
        let directory = Directory()
        let resolver = DIDResolver(staleAfter: .milliseconds(10), maxAge: .milliseconds(20)) { did throws(DIDResolver.Failure) in try directory.fetch(did) }
        _ = try await resolver.resolve(Self.did)
        try await Task.sleep(for: .milliseconds(40))
        directory.set(.failure(.unavailable("directory down")))
        #expect(try await resolver.resolve(Self.did).services["bsky_appview"]?.endpoint == "https://one.example")
        #expect(directory.count == 2)

        directory.set(.failure(.notFound("gone")))
        try await Task.sleep(for: .milliseconds(40))
        await #expect(throws: DIDResolver.Failure.notFound("gone")) { try await resolver.resolve(Self.did) }
        // Evicted: even with the directory down now, there is nothing stale to fall back on.
        directory.set(.failure(.unavailable("down")))
        await #expect(throws: DIDResolver.Failure.unavailable("down")) { try await resolver.resolve(Self.did) }
    }

    @Test func documentURLs() throws {
        let plc = URL(string: "https://plc.directory")!
        #expect(try DIDResolver.documentURL(Self.did, plcDirectory: plc, devMode: false).absoluteString == "https://plc.directory/\(Self.did)")
        #expect(try DIDResolver.documentURL("did:web:api.bsky.app", plcDirectory: plc, devMode: false).absoluteString
            == "https://api.bsky.app/.well-known/did.json")
        #expect(try DIDResolver.documentURL("did:web:localhost%3A4000", plcDirectory: plc, devMode: true).absoluteString
            == "http://localhost:4000/.well-known/did.json")
        #expect(try DIDResolver.documentURL("did:web:localhost%3A4000", plcDirectory: plc, devMode: false).absoluteString
            == "https://localhost:4000/.well-known/did.json")
        #expect(throws: DIDResolver.Failure.self) { try DIDResolver.documentURL("did:web:example.com:user:alice", plcDirectory: plc, devMode: false) }
        #expect(throws: DIDResolver.Failure.self) { try DIDResolver.documentURL("did:key:zQ3sh", plcDirectory: plc, devMode: false) }
    }

    @Test func readsW3CDocuments() throws {
        let key = Multikey.format(K256PrivateKey().publicKey)
        let json = """
            {"@context":["https://www.w3.org/ns/did/v1"],"id":"did:web:api.bsky.app","alsoKnownAs":["at://api.bsky.app"],
             "verificationMethod":[{"id":"did:web:api.bsky.app#atproto","type":"Multikey","controller":"did:web:api.bsky.app",
               "publicKeyMultibase":"\(key)"},
               {"id":"#broken","type":"Multikey","publicKeyMultibase":"zzz"}],
             "service":[{"id":"#bsky_notif","type":"BskyNotificationService","serviceEndpoint":"https://api.bsky.app"},
                        {"id":"did:web:api.bsky.app#bsky_appview","type":"BskyAppView","serviceEndpoint":"https://api.bsky.app"},
                        {"id":"#nourl","type":"X","serviceEndpoint":{"a":1}}]}
            """
        let doc = try DIDDocument(json: Array(json.utf8))
        #expect(doc.did == "did:web:api.bsky.app" && doc.handle == "api.bsky.app")
        #expect(doc.services["bsky_appview"]?.endpoint == "https://api.bsky.app")
        #expect(doc.services["bsky_notif"]?.type == "BskyNotificationService")
        #expect(doc.services["nourl"] == nil && doc.verificationMethods["broken"] == nil)
        #expect(doc.signingKey != nil)
        #expect(throws: DIDDocumentError.self) { try DIDDocument(json: Array("[1]".utf8)) }
        #expect(throws: DIDDocumentError.self) { try DIDDocument(json: Array("{\"id\":\"nope\"}".utf8)) }
    }

    @Test func upstreamPolicy() async {
        let strict = UpstreamPolicy(devMode: false) { host in
            ["pds.example": ["93.184.216.34"], "evil.example": ["93.184.216.34", "10.0.0.5"], "local.example": ["127.0.0.1"]][host] ?? []
        }
        #expect(await strict.refusal(for: URL(string: "https://pds.example/xrpc")!) == nil)
        #expect(await strict.refusal(for: URL(string: "http://pds.example")!)?.contains("only https") == true)
        #expect(await strict.refusal(for: URL(string: "https://evil.example")!)?.contains("not a public address") == true)
        #expect(await strict.refusal(for: URL(string: "https://local.example")!)?.contains("not a public address") == true)
        #expect(await strict.refusal(for: URL(string: "https://nowhere.example")!)?.contains("does not resolve") == true)
        let dev = UpstreamPolicy(devMode: true) { _ in ["127.0.0.1"] }
        #expect(await dev.refusal(for: URL(string: "http://127.0.0.1:2583")!) == nil)
        #expect(await dev.refusal(for: URL(string: "ftp://127.0.0.1")!) != nil)
    }

    func eventually(_ check: () -> Bool) async -> Bool {
        for _ in 0..<100 {
            if check() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return check()
    }
}
