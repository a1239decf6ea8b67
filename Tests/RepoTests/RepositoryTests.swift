import ATCrypto
import IPLD
import Repo
import Syntax
import TestSupport
import Testing

@Suite struct RepositoryTests {
    static let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"

    static func post(_ i: Int) -> DataValue {
        ["$type": "app.bsky.feed.post", "text": .string("post number \(i)"), "createdAt": "2026-11-25T12:00:00.000Z"]
    }

    static func makeRepo(records: Int, key: any SigningKey, clock: TIDClock) throws -> (Repository, MemoryBlockStore) {
        let store = MemoryBlockStore()
        let (repo, _) = try Repository.create(did: did, key: key, rev: clock.next().string, store: store)
        var writes = [RecordWrite]()
        for i in 0..<records {
            writes.append(.create(path: "app.bsky.feed.post/\(TID(timestampMicros: UInt64(1_700_000_000_000_000 + i), clockID: 1))", record: post(i)))
            if writes.count == 200 {
                _ = try repo.apply(writes, key: key, rev: clock.next().string)
                writes = []
            }
        }
        if !writes.isEmpty { _ = try repo.apply(writes, key: key, rev: clock.next().string) }
        return (repo, store)
    }

    @Test(arguments: [KeyAlgorithm.k256, .p256])
    func commitsAreSignedAndVerify(algorithm: KeyAlgorithm) throws {
        let key = algorithm.generateSigningKey()
        let clock = TIDClock()
        let (repo, _) = try Self.makeRepo(records: 3, key: key, clock: clock)
        #expect(repo.commit.verify(with: key.publicKey))
        let other = algorithm.generateSigningKey()
        #expect(!repo.commit.verify(with: other.publicKey))
        let decoded = try Commit.decode(repo.commit.bytes)
        #expect(decoded == repo.commit)
        #expect(decoded.value["version"] == 3)
        #expect(decoded.value["prev"] == .null)
    }

    @Test func writeProducesFirehoseBlocksThatInvert() throws {
        let key = K256PrivateKey()
        let clock = TIDClock()
        let (repo, store) = try Self.makeRepo(records: 300, key: key, clock: clock)
        let before = repo.commit
        let existing = try repo.tree.list(limit: 3)
        let result = try repo.apply([
            .create(path: "app.bsky.feed.post/3lon5dzeaihj2", record: Self.post(9999)),
            .update(path: existing[0].key, record: Self.post(-1)),
            .delete(path: existing[1].key),
        ], key: key, rev: clock.next().string)
        #expect(result.since == before.rev)
        #expect(result.prevData == before.data)
        #expect(result.ops.map(\.action).sorted { $0.rawValue < $1.rawValue } == [.create, .delete, .update])
        // A consumer holding only the event's blocks can check the op and invert it.
        var reader = try CARReader(bytes: result.firehoseCAR)
        #expect(reader.roots == [result.commitCID])
        var blocks = [CID: [UInt8]]()
        while let b = try reader.next() { blocks[b.cid] = b.bytes }
        let commit = try Commit.decode(blocks[result.commitCID]!)
        #expect(commit.verify(with: key.publicKey))
        try CommitInversion.verify(newRoot: commit.data, previousRoot: before.data, ops: result.ops, blocks: blocks)
        // The new record's bytes travel with the event.
        let created = result.ops.first { $0.action == .create }!
        #expect(blocks[created.new!] != nil)
        _ = store
    }

    @Test func badWritesLeaveTheRepoUntouched() throws {
        let key = K256PrivateKey()
        let clock = TIDClock()
        let (repo, _) = try Self.makeRepo(records: 5, key: key, clock: clock)
        let head = repo.commitCID
        let existing = try repo.tree.list(limit: 1)[0].key
        #expect(throws: RepoError.self) {
            try repo.apply([.create(path: "app.bsky.feed.post/newone", record: Self.post(1)),
                            .create(path: existing, record: Self.post(2))], key: key, rev: clock.next().string)
        }
        #expect(throws: RepoError.self) { try repo.apply([.delete(path: "app.bsky.feed.post/missing")], key: key, rev: clock.next().string) }
        #expect(throws: RepoError.self) { try repo.apply([.delete(path: existing)], key: key, rev: "2222222222222") }
        #expect(repo.commitCID == head)
        #expect(try repo.recordCID("app.bsky.feed.post/newone") == nil)
    }

    @Test func exportImportExportIsIdentical() throws {
        let key = P256PrivateKey()
        let (repo, store) = try Self.makeRepo(records: 1000, key: key, clock: TIDClock())
        let car = try RepoExport.bytes(head: repo.commitCID, store: store)
        let imported = MemoryBlockStore()
        let root = try RepoVerifier.load(MemoryByteSource(car), into: imported)
        let verified = try RepoVerifier.verify(root: root, store: imported, did: Self.did, key: key.publicKey)
        #expect(verified.recordCount == 1000)
        #expect(verified.commit?.rev == repo.commit.rev)
        #expect(try RepoExport.bytes(head: root, store: imported) == car)
        // Only the reachable blocks: the old commits and replaced nodes are not exported.
        #expect(imported.count < store.count)
    }

    @Test func hostileCARsAreRejected() throws {
        let key = K256PrivateKey()
        let (repo, store) = try Self.makeRepo(records: 50, key: key, clock: TIDClock())
        let car = try RepoExport.bytes(head: repo.commitCID, store: store)
        func importAndVerify(_ bytes: [UInt8]) throws {
            let s = MemoryBlockStore()
            let root = try RepoVerifier.load(MemoryByteSource(bytes), into: s)
            _ = try RepoVerifier.verify(root: root, store: s, key: key.publicKey)
        }
        try importAndVerify(car)
        // Truncated anywhere.
        for cut in stride(from: 1, to: car.count, by: 97) {
            #expect(throws: (any Error).self) { try importAndVerify(Array(car[0..<cut])) }
        }
        // A flipped byte anywhere after the header: wrong CID, bad CBOR or bad signature.
        var rng = SeededRandom(seed: 9)
        for _ in 0..<200 {
            var bad = car
            let i = Int.random(in: 60..<bad.count, using: &rng)
            bad[i] ^= UInt8.random(in: 1...255, using: &rng)
            #expect(throws: (any Error).self) { try importAndVerify(bad) }
        }
        // A missing block: drop one record.
        var reader = try CARReader(bytes: car)
        var blocks = [(CID, [UInt8])]()
        while let b = try reader.next() { blocks.append((b.cid, b.bytes)) }
        let withoutLast = CARWriter.encode(roots: reader.roots, blocks: blocks.dropLast())
        #expect(throws: RepoError.self) { try importAndVerify(withoutLast) }
        // A huge varint length.
        #expect(throws: (any Error).self) { try importAndVerify(Varint.encode(UInt64.max >> 2) + car) }
        // The wrong key.
        let s = MemoryBlockStore()
        let root = try RepoVerifier.load(MemoryByteSource(car), into: s)
        #expect(throws: RepoError.self) { try RepoVerifier.verify(root: root, store: s, key: K256PrivateKey().publicKey) }
    }
}
