@testable import AuthService
import Foundation
import Identity
import Synchronization
import Testing

/// The URLs a stand-in fetch was asked for.
final class Fetched: Sendable {
    let log = Mutex<[String]>([])
}

@Suite struct HandleResolverTests {
    @Test func privateAndLoopbackAddressesAreNonPublic() {
        for address in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "0.0.0.0",
                        "100.64.0.1", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not an ip"] {
            #expect(AddressPolicy.isNonPublic(address), "\(address)")
        }
        for address in ["8.8.8.8", "172.32.0.1", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            #expect(!AddressPolicy.isNonPublic(address), "\(address)")
        }
    }

    /// A resolver whose DNS and HTTP are stand-ins that record what was asked.
    static func resolver(dev: Bool, addresses: [String], txt: [String] = [], body: String? = "did:plc:remote123",
                         fetched: Fetched) -> HandleResolver {
        HandleResolver(allowPrivateAddresses: dev, txtLookup: { _ in txt }, addressLookup: { _ in addresses },
                       fetch: { url in fetched.log.withLock { $0.append(url.absoluteString) }; return body })
    }

    @Test func wellKnownIsRefusedForPrivateHostsUnlessDevMode() async {
        let fetched = Fetched()
        let production = Self.resolver(dev: false, addresses: ["127.0.0.1"], fetched: fetched)
        #expect(await production.resolve("alice.example.com") == nil)
        #expect(fetched.log.withLock { $0 }.isEmpty, "no request may go to a loopback address")
        // One private address among public ones is enough to refuse (DNS may answer either).
        #expect(await Self.resolver(dev: false, addresses: ["8.8.8.8", "10.0.0.1"], fetched: fetched).resolve("alice.example.com") == nil)
        #expect(fetched.log.withLock { $0 }.isEmpty)

        let dev = Self.resolver(dev: true, addresses: ["127.0.0.1"], fetched: fetched)
        #expect(await dev.resolve("alice.example.com") == "did:plc:remote123")
        #expect(fetched.log.withLock { $0 } == ["http://alice.example.com/.well-known/atproto-did"])

        let publicHost = Self.resolver(dev: false, addresses: ["8.8.8.8"], fetched: fetched)
        #expect(await publicHost.resolve("bob.example.com") == "did:plc:remote123")
        #expect(fetched.log.withLock { $0 }.last == "https://bob.example.com/.well-known/atproto-did")
    }

    @Test func dnsTXTWinsAndAmbiguityFallsBackToHTTPS() async {
        let fetched = Fetched()
        let viaDNS = Self.resolver(dev: false, addresses: [], txt: ["did=did:plc:fromdns", "other"], fetched: fetched)
        #expect(await viaDNS.resolve("carol.example.com") == "did:plc:fromdns")
        let ambiguous = Self.resolver(dev: false, addresses: ["8.8.8.8"], txt: ["did=did:plc:a", "did=did:plc:b"], fetched: fetched)
        #expect(await ambiguous.resolve("carol.example.com") == "did:plc:remote123")
        let garbage = Self.resolver(dev: false, addresses: ["8.8.8.8"], body: "<html>not a did</html>", fetched: fetched)
        #expect(await garbage.resolve("dave.example.com") == nil)
    }

    @Test func dnsMessagesAreBuiltAndParsed() throws {
        let query = try #require(DNSTXTQuery.message(for: "_atproto.bob.test", id: 0x1234))
        #expect(Array(query[0..<6]) == [0x12, 0x34, 0x01, 0x00, 0, 1])
        #expect(Array(query[12...]) == [8] + Array("_atproto".utf8) + [3] + Array("bob".utf8) + [4] + Array("test".utf8) + [0, 0, 16, 0, 1])
        // The reply: the question echoed, then one TXT answer whose name is a pointer to it,
        // holding two character-strings.
        var reply: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0] + Array(query[12...])
        let strings: [UInt8] = [4] + Array("did=".utf8) + [11] + Array("did:plc:xyz".utf8)
        reply += [0xc0, 12, 0, 16, 0, 1, 0, 0, 1, 0, 0, UInt8(strings.count)] + strings
        #expect(DNSTXTQuery.parse(reply, id: 0x1234) == ["did=did:plc:xyz"])
        #expect(DNSTXTQuery.parse(reply, id: 0x9999) == [], "an answer to another query is ignored")
        #expect(DNSTXTQuery.parse(Array(reply.prefix(40)), id: 0x1234) == [], "a truncated message gives nothing")
    }
}
