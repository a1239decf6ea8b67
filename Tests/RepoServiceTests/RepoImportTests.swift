import ATCrypto
import Foundation
import IPLD
import Repo
import RepoService
import Synchronization
import Syntax
import Testing

/// `importRepo`'s checks and storage: a repo built elsewhere (its own key, in memory) is
/// verified and stored re-signed with this PDS's key; every bad CAR is refused with a clear
/// message and leaves the store as it was.
@Suite struct RepoImportTests {
    static let did = "did:plc:importimportimportimpor"
    static let validator: RecordValidator = { collection, _ in collection.hasPrefix("app.bsky.") ? .valid : .unknown }

    /// A repo of `count` posts signed with `key`, as a CAR, and its blocks.
    static func exported(did: String = did, key: any SigningKey, count: Int = 120) throws -> (car: [UInt8], store: MemoryBlockStore, repo: Repository) {
        let store = MemoryBlockStore()
        let clock = TIDClock()
        let (repo, _) = try Repository.create(did: did, key: key, rev: clock.next().string, store: store)
        var writes = [RecordWrite]()
        for i in 0..<count {
            writes.append(.create(path: "app.bsky.feed.post/\(clock.next().string)", record: [
                "$type": "app.bsky.feed.post", "text": .string("post \(i)"), "createdAt": "2026-12-07T00:00:00.000Z"]))
        }
        _ = try repo.apply(writes, key: key, rev: clock.next().string)
        let blocks = store.cids.map { ($0, store.block($0)!) }
        return (CARWriter.encode(roots: [repo.commitCID], blocks: blocks), store, repo)
    }

    func makeStore(_ dir: TempDirectory) async throws -> (ActorStore, any SigningKey) {
        let pool = ActorStorePool(dataDirectory: dir.url)
        let key = K256PrivateKey()
        let store = try await pool.create(did: Self.did, key: key)
        _ = try await store.createRepo(key: key, rev: TIDClock.shared.next().string, announce: false)
        return (store, key)
    }

    @Test func importsAndReSigns() async throws {
        let dir = try TempDirectory()
        let (store, key) = try await makeStore(dir)
        let oldKey = K256PrivateKey()
        let source = try Self.exported(key: oldKey)
        let imported = try ImportedRepo.verify(car: source.car, did: Self.did, keys: [oldKey.publicKey], validator: Self.validator)
        #expect(imported.entries.count == 120)
        let stored = try await store.importRepo(imported, key: key, clock: TIDClock(), announce: false)
        #expect(stored.records == 120)
        #expect(stored.rev > source.repo.commit.rev)
        #expect(try await store.recordCount() == 120)
        // The head is a new commit of the same tree, signed with this PDS's key.
        let collected = Mutex<[UInt8]>([])
        try await store.exportCAR(since: "") { chunk in collected.withLock { $0 += chunk } }
        let exported = collected.withLock { $0 }
        let reloaded = MemoryBlockStore()
        let root = try RepoVerifier.load(MemoryByteSource(exported), into: reloaded)
        let verified = try RepoVerifier.verify(root: root, store: reloaded, did: Self.did, key: key.publicKey)
        #expect(verified.data == source.repo.commit.data && verified.recordCount == 120)
        #expect(!(verified.commit!.verify(with: oldKey.publicKey)))
        // Again (a retry, here of this PDS's own export): same tree, newer commit.
        let again = try ImportedRepo.verify(car: exported, did: Self.did, keys: [key.publicKey], validator: Self.validator)
        let second = try await store.importRepo(again, key: key, clock: TIDClock(), announce: true)
        #expect(second.rev > stored.rev && second.records == 120)
        #expect(try await store.recordCount() == 120)
    }

    @Test func refusesBadCARsAndChangesNothing() async throws {
        let dir = try TempDirectory()
        let (store, _) = try await makeStore(dir)
        let before = try store.head()
        let oldKey = K256PrivateKey()
        let source = try Self.exported(key: oldKey)

        func refuses(_ car: [UInt8], keys: [any PublicKey]? = nil, _ needle: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try ImportedRepo.verify(car: car, did: Self.did, keys: keys ?? [oldKey.publicKey], validator: Self.validator)
                Issue.record("accepted a CAR that should be refused (\(needle))", sourceLocation: sourceLocation)
            } catch let e as RepoServiceError {
                #expect(e.xrpcError == "InvalidRequest" && e.message.contains(needle), "\(needle): \(e.message)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            }
        }
        // Another DID's repo.
        refuses(try Self.exported(did: "did:plc:someoneelsesomeoneelseso", key: oldKey).car, "not of \(Self.did)")
        // Signed by a key the DID does not name.
        refuses(source.car, keys: [K256PrivateKey().publicKey], "signature does not verify")
        // Truncated, and one byte flipped inside a block.
        refuses(Array(source.car.prefix(source.car.count / 2)), "Invalid CAR")
        var tampered = source.car
        tampered[tampered.count - 10] ^= 0x40
        refuses(tampered, "does not match its bytes")
        refuses([0x01, 0x02, 0x03], "Invalid CAR")
        // A commit whose MST is not in the CAR.
        let onlyCommit = CARWriter.encode(roots: [source.repo.commitCID], blocks: [(source.repo.commitCID, source.store.block(source.repo.commitCID)!)])
        refuses(onlyCommit, "MST does not match its commit")
        // A commit over a tree whose node lists its keys out of order.
        let rootNode = try MSTNode.decode(source.store.block(source.repo.commit.data)!)
        var disordered = rootNode
        disordered.entries = rootNode.entries.reversed().map { MSTEntry(key: $0.key, value: $0.value, right: nil) }
        disordered.left = nil
        let badRoot = CID.compute(.dagCBOR, of: disordered.encode())
        let badCommit = try Commit.sign(did: Self.did, data: badRoot, rev: TIDClock().next().string, key: oldKey)
        let badCommitCID = CID.compute(.dagCBOR, of: badCommit.bytes)
        let blocks = source.store.cids.map { ($0, source.store.block($0)!) } + [(badRoot, disordered.encode()), (badCommitCID, badCommit.bytes)]
        if disordered.entries.count > 1 {
            refuses(CARWriter.encode(roots: [badCommitCID], blocks: blocks), "MST does not match its commit")
        }
        // A record that breaks its Lexicon.
        let strict: RecordValidator = { _, _ in throw RepoServiceError("InvalidRequest", "Invalid app.bsky.feed.post record: text must be a string") }
        #expect(throws: RepoServiceError.self) { try ImportedRepo.verify(car: source.car, did: Self.did, keys: [oldKey.publicKey], validator: strict) }
        #expect(try store.head()?.cid == before?.cid)
        #expect(try await store.recordCount() == 0)
    }
}
