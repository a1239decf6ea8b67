import ATCrypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import IPLD
import PLCDirectory
import Testing

@Suite struct PLCDirectoryTests {
    func app() throws -> (some ApplicationProtocol, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-plc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try PLCStore(path: dir.appendingPathComponent("plc.sqlite").path)
        let router = Router()
        PLCDirectoryRoutes.register(on: router, store: store)
        return (Application(router: router), dir)
    }

    func body(_ op: PLCOperation) -> ByteBuffer { ByteBuffer(bytes: DataModelJSON.serialize(op.value)) }

    @Test func submitResolveUpdateAndAudit() async throws {
        let (app, dir) = try app()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rotation = K256PrivateKey(), signing = K256PrivateKey()
        let state = PLCState.account(rotationKeys: [rotation.didKey], signingKey: signing.didKey, handle: "alice.test",
                                     pdsEndpoint: "http://localhost:2583")
        let genesis = try PLCOperation.sign(.update(state), prev: nil, with: rotation)
        let did = genesis.genesisDID
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/\(did)", method: .get).status == .notFound)
            let wrongDID = try await client.execute(uri: "/did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", method: .post, body: body(genesis))
            #expect(wrongDID.status == .badRequest)
            #expect(try await client.execute(uri: "/\(did)", method: .post, body: body(genesis)).status == .ok)
            let doc = try DataModelJSON.parse(Array(try await client.execute(uri: "/\(did)", method: .get).body.readableBytesView))
            #expect(doc["id"] == .string(did))
            #expect(doc["alsoKnownAs"] == ["at://alice.test"])
            #expect(doc["service"]?.arrayValue?.first?["serviceEndpoint"] == "http://localhost:2583")

            var renamed = state
            renamed.alsoKnownAs = ["at://alice2.test"]
            let update = try PLCOperation.sign(.update(renamed), prev: genesis.cid, with: rotation)
            #expect(try await client.execute(uri: "/\(did)", method: .post, body: body(update)).status == .ok)
            // Replaying the same prev, or signing with a non-rotation key, is refused.
            let forged = try PLCOperation.sign(.update(renamed), prev: update.cid, with: signing)
            #expect(try await client.execute(uri: "/\(did)", method: .post, body: body(forged)).status == .badRequest)
            #expect(try await client.execute(uri: "/\(did)", method: .post, body: ByteBuffer(string: "{nope")).status == .badRequest)

            let data = try DataModelJSON.parse(Array(try await client.execute(uri: "/\(did)/data", method: .get).body.readableBytesView))
            #expect(data["alsoKnownAs"] == ["at://alice2.test"])
            #expect(data["rotationKeys"] == [.string(rotation.didKey)])
            let log = try DataModelJSON.parse(Array(try await client.execute(uri: "/\(did)/log", method: .get).body.readableBytesView))
            #expect(log.arrayValue?.count == 2)
            let last = try DataModelJSON.parse(Array(try await client.execute(uri: "/\(did)/log/last", method: .get).body.readableBytesView))
            #expect(try PLCOperation(last) == update)
            let audit = try DataModelJSON.parse(Array(try await client.execute(uri: "/\(did)/log/audit", method: .get).body.readableBytesView))
            #expect(audit.arrayValue?.map { $0["cid"]!.stringValue! } == [genesis.cid.string, update.cid.string])

            let tomb = try PLCOperation.sign(.tombstone, prev: update.cid, with: rotation)
            #expect(try await client.execute(uri: "/\(did)", method: .post, body: body(tomb)).status == .ok)
            #expect(try await client.execute(uri: "/\(did)", method: .get).status == .gone)
        }
    }
}
