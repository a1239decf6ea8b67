import ATCrypto
import Foundation
import IPLD
import Repo
import RepoService
import Syntax
import Testing

/// A temporary data directory removed after the test.
final class TempDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}

@Suite struct ActorStoreTests {
    static let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"

    static func post(_ text: String, image: CID? = nil) -> DataValue {
        var m: [(String, DataValue)] = [("$type", "app.bsky.feed.post"), ("text", .string(text)), ("createdAt", "2026-11-25T12:00:00.000Z")]
        if let image {
            m.append(("embed", ["$type": "app.bsky.embed.images", "images": [["alt": "", "image": BlobRef(ref: image, mimeType: "image/png", size: 10).value]]]))
        }
        return .map(DataMap(m))
    }

    func makeStore(_ dir: TempDirectory) async throws -> (ActorStorePool, ActorStore, any SigningKey) {
        let pool = ActorStorePool(dataDirectory: dir.url, capacity: 4)
        let key = K256PrivateKey()
        let store = try await pool.create(did: Self.did, key: key)
        _ = try await store.createRepo(key: key, rev: TIDClock.shared.next().string)
        return (pool, store, key)
    }

    @Test func writesReadsAndOutbox() async throws {
        let dir = try TempDirectory()
        let (_, store, key) = try await makeStore(dir)
        let clock = TIDClock()
        let image = CID.compute(.raw, of: [1, 2, 3])
        var rkeys = [String]()
        for i in 0..<5 {
            let rkey = clock.next().string
            rkeys.append(rkey)
            _ = try await store.applyWrites([.create(path: "app.bsky.feed.post/\(rkey)", record: Self.post("p\(i)", image: i == 0 ? image : nil))],
                                            key: key, clock: clock)
        }
        let first = try #require(try await store.record(collection: "app.bsky.feed.post", rkey: rkeys[0]))
        #expect(try first.value()["text"] == "p0")
        #expect(CID.compute(.dagCBOR, of: first.bytes) == first.cid)
        // Newest first by default, oldest first with reverse; cursors continue the page.
        let page = try await store.listRecords(collection: "app.bsky.feed.post", limit: 2)
        #expect(page.map { $0.uri.split(separator: "/").last.map(String.init)! } == [rkeys[4], rkeys[3]])
        let next = try await store.listRecords(collection: "app.bsky.feed.post", limit: 2, cursor: rkeys[3])
        #expect(next.count == 2 && next[0].uri.hasSuffix(rkeys[2]))
        let asc = try await store.listRecords(collection: "app.bsky.feed.post", limit: 100, reverse: true)
        #expect(asc.first?.uri.hasSuffix(rkeys[0]) == true)
        #expect(try await store.collections() == ["app.bsky.feed.post"])
        // Every commit left an outbox event: the empty repo's first commit and its #sync, then
        // five writes.
        let outbox = try await store.pendingOutbox()
        #expect(outbox.map(\.kind) == ["#commit", "#sync"] + Array(repeating: "#commit", count: 5))
        // The post with an image names its blob in `blobs`; the others name none.
        #expect(try DAGCBOR.decode(outbox[2].event)["blobs"] == .array([.link(image)]))
        let event = try DAGCBOR.decode(outbox.last!.event)
        #expect(event["blobs"] == .array([]))
        #expect(event["repo"] == .string(Self.did))
        #expect(event["ops"]?.arrayValue?.first?["action"] == "create")
        store.acknowledgeOutbox(through: outbox[3].id)
        #expect(try await store.pendingOutbox().count == 3)
        // The export verifies, with the account's key, independently of the store.
        let car = ByteCollector()
        try await store.exportCAR { car.append($0) }
        let imported = MemoryBlockStore()
        let root = try RepoVerifier.load(MemoryByteSource(car.bytes), into: imported)
        let verified = try RepoVerifier.verify(root: root, store: imported, did: Self.did, key: key.publicKey)
        #expect(verified.recordCount == 5)
    }

    @Test func swapsAndFailedWritesChangeNothing() async throws {
        let dir = try TempDirectory()
        let (_, store, key) = try await makeStore(dir)
        let clock = TIDClock()
        let path = "app.bsky.feed.post/\(clock.next())"
        let first = try await store.applyWrites([.create(path: path, record: Self.post("a"))], key: key, clock: clock)
        let stale = try #require(first.previousCommitCID)
        await #expect(throws: RepoServiceError.self) {
            try await store.applyWrites([.update(path: path, record: Self.post("b"))], swapCommit: stale, key: key, clock: clock)
        }
        await #expect(throws: RepoServiceError.self) {
            try await store.applyWrites([.update(path: path, record: Self.post("b"))], swapRecords: [path: stale], key: key, clock: clock)
        }
        // A batch whose second write fails leaves the first undone too.
        await #expect(throws: (any Error).self) {
            try await store.applyWrites([.create(path: "app.bsky.feed.post/\(clock.next())", record: Self.post("x")),
                                         .create(path: path, record: Self.post("dup"))], key: key, clock: clock)
        }
        #expect(try store.head()?.cid == first.commitCID)
        #expect(try await store.recordCount() == 1)
        let ok = try await store.applyWrites([.update(path: path, record: Self.post("b"))], swapCommit: first.commitCID,
                                             swapRecords: [path: first.ops[0].new], key: key, clock: clock)
        #expect(ok.ops.first?.action == .update)
        let deleteMissing = await #expect(throws: RepoServiceError.self) {
            try await store.applyWrites([.delete(path: "app.bsky.feed.post/nope")], key: key, clock: clock)
        }
        #expect(deleteMissing?.xrpcError == "RecordNotFound")
    }

    @Test func concurrentWritesToOneRepoAllLand() async throws {
        let dir = try TempDirectory()
        let (_, store, key) = try await makeStore(dir)
        let clock = TIDClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<32 {
                group.addTask {
                    _ = try await store.applyWrites([.create(path: "app.bsky.feed.like/\(clock.next())", record: ["$type": "app.bsky.feed.like", "n": .int(Int64(i))])],
                                                    key: key, clock: clock)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.recordCount() == 32)
        let car = ByteCollector()
        try await store.exportCAR { car.append($0) }
        let imported = MemoryBlockStore()
        let root = try RepoVerifier.load(MemoryByteSource(car.bytes), into: imported)
        #expect(try RepoVerifier.verify(root: root, store: imported, key: key.publicKey).recordCount == 32)
    }

    @Test func poolReopensEvictedStoresWithTheirKeys() async throws {
        let dir = try TempDirectory()
        let pool = ActorStorePool(dataDirectory: dir.url, capacity: 2)
        var keys = [String: String]()
        for i in 0..<5 {
            let did = "did:plc:aaaaaaaaaaaaaaaaaaaaaa\(i)\(i)"
            let key = KeyAlgorithm.p256.generateSigningKey()
            keys[did] = key.didKey
            let store = try await pool.create(did: did, key: key)
            _ = try await store.createRepo(key: key, rev: TIDClock.shared.next().string)
        }
        #expect(await pool.openCount == 2)
        for (did, didKey) in keys {
            let (store, key) = try await pool.store(for: did)
            #expect(key.didKey == didKey)
            #expect(try store.head() != nil)
        }
        await #expect(throws: RepoServiceError.self) { _ = try await pool.store(for: "did:plc:nosuchaccount000000000") }
        // The key file is private to the service's user.
        let attrs = try FileManager.default.attributesOfItem(atPath: ActorStoreLayout(dataDirectory: dir.url).keyPath(for: keys.keys.first!).path)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }
}

/// Collects CAR chunks from a sendable sink.
final class ByteCollector: Sendable {
    private let storage = Mutex<[UInt8]>([])
    func append(_ chunk: [UInt8]) { storage.withLock { $0.append(contentsOf: chunk) } }
    var bytes: [UInt8] { storage.withLock { $0 } }
}

import Synchronization
