import ATCrypto
import Foundation
import IPC
import IPLD
import Repo
import RepoService
import Syntax
import Testing

/// The RepoService's sync reads, in process: proofs, blocks, `since` slices and repo listing.
@Suite struct RepoSyncTests {
    static let did = "did:plc:syncsyncsyncsyncsyncsync"

    func makeService(_ dir: TempDirectory) -> RepoServiceImplementation {
        RepoServiceImplementation(stores: ActorStorePool(dataDirectory: dir.url),
                                  validator: { _, _ in .unknown }, relay: nil)
    }

    func createRepo(_ service: RepoServiceImplementation, did: String = RepoSyncTests.did) async throws {
        let key = try await service.reserveSigningKey(.init())
        _ = try await service.createRepo(.init(did: did, signingKey: key.signingKey))
    }

    func write(_ service: RepoServiceImplementation, _ rkeys: [String]) async throws -> RepoTypes.ApplyWritesResponse {
        try await service.applyWrites(.init(did: Self.did, writes: rkeys.map {
            .init(action: "create", collection: "com.example.note", rkey: $0, recordJSON: #"{"$type":"com.example.note","text":"\#($0)"}"#)
        }, validate: false, swapCommit: nil))
    }

    static func load(_ car: Data) throws -> (root: CID?, store: MemoryBlockStore) {
        var reader = try CARReader(bytes: [UInt8](car))
        let store = MemoryBlockStore()
        while let block = try reader.next() { store.put(block.cid, block.bytes) }
        return (reader.roots.first, store)
    }

    @Test func getRecordProvesTheRecordFromTheSignedCommit() async throws {
        let dir = try TempDirectory()
        let service = makeService(dir)
        try await createRepo(service)
        _ = try await write(service, (0..<200).map { "r\($0)" })
        let written = try await write(service, ["target"])
        let car = try await service.syncGetRecord(.init(did: Self.did, collection: "com.example.note", rkey: "target"))
        let (root, store) = try Self.load(car.car)
        #expect(root?.string == written.commit.cid)
        let rootCID = try #require(root)
        let commit = try Commit.decode(try #require(store.block(rootCID)))
        let described = try await service.describeRepo(.init(did: Self.did))
        #expect(commit.verify(with: try DIDKey.parse(described.signingKey)))
        let proved = try MST(root: commit.data, store: store).get("com.example.note/target")
        #expect(proved?.string == written.results[0].cid)
        // Only the path, not the repo: a 201-record tree has far more nodes than its depth.
        #expect(store.count < 10)
        let missing = await #expect(throws: IPCError.self) {
            try await service.syncGetRecord(.init(did: Self.did, collection: "com.example.note", rkey: "nope"))
        }
        #expect(missing?.xrpcErrorName == "RecordNotFound")
    }

    @Test func getRepoSinceCarriesOnlyNewerBlocks() async throws {
        let dir = try TempDirectory()
        let service = makeService(dir)
        try await createRepo(service)
        let first = try await write(service, ["a", "b"])
        let second = try await write(service, ["c"])
        let full = try Self.load(try await service.syncGetRepo(.init(did: Self.did, since: nil)).car)
        let verified = try RepoVerifier.verify(root: try #require(full.root), store: full.store)
        #expect(verified.recordCount == 3)
        let slice = try Self.load(try await service.syncGetRepo(.init(did: Self.did, since: first.commit.rev)).car)
        #expect(slice.root?.string == second.commit.cid)
        #expect(slice.store.block(try CID(string: second.commit.cid)) != nil)
        #expect(slice.store.block(try CID(string: second.results[0].cid!)) != nil)
        #expect(slice.store.block(try CID(string: first.results[0].cid!)) == nil)
        #expect(slice.store.count < full.store.count)
    }

    @Test func getBlocksReturnsThemOrNamesTheMissing() async throws {
        let dir = try TempDirectory()
        let service = makeService(dir)
        try await createRepo(service)
        let written = try await write(service, ["a", "b"])
        let cids = written.results.compactMap(\.cid) + [written.commit.cid]
        let (root, store) = try Self.load(try await service.syncGetBlocks(.init(did: Self.did, cids: cids)).car)
        #expect(root == nil)
        #expect(Set(store.cids.map(\.string)) == Set(cids))
        let absent = CID.compute(.dagCBOR, of: DAGCBOR.encode(["x": 1])).string
        let error = await #expect(throws: IPCError.self) {
            try await service.syncGetBlocks(.init(did: Self.did, cids: [cids[0], absent]))
        }
        #expect(error?.xrpcErrorName == "InvalidRequest")
        #expect("\(String(describing: error))".contains(absent))
    }

    @Test func listReposPagesInDIDOrder() async throws {
        let dir = try TempDirectory()
        let service = makeService(dir)
        let dids = (0..<5).map { "did:plc:list\($0)aaaaaaaaaaaaaaaaaaa" }
        for did in dids.shuffled() { try await createRepo(service, did: did) }
        let page1 = try await service.syncListRepos(.init(limit: 3, cursor: nil))
        #expect(page1.repos.map(\.did) == Array(dids[0..<3]))
        let page2 = try await service.syncListRepos(.init(limit: 3, cursor: page1.cursor))
        #expect(page2.repos.map(\.did) == Array(dids[3...]))
        #expect(page2.cursor == nil)
        let head = try await service.latestCommit(.init(did: dids[0]))
        #expect(page1.repos[0].head == head.cid && page1.repos[0].rev == head.rev)
    }
}
