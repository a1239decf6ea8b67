import ATCrypto
import Foundation
import IPC
import IPLD
import Lexicon
import RepoService
import Synchronization
import Syntax
import Testing

/// A BlobService stand-in that knows one blob and records the reference calls it gets.
private final class RecordingBlobs: BlobServiceAPI {
    let known: BlobTypes.BlobRef
    let calls = Mutex<[String]>([])

    init(known: BlobTypes.BlobRef) { self.known = known }

    func ping(_ r: PingRequest) async throws(IPCError) -> PingResponse { throw .remote(name: "MethodNotImplemented", message: "") }
    func checkAndReference(_ r: BlobTypes.CheckAndReferenceRequest) async throws(IPCError) -> Empty {
        guard r.blobs.allSatisfy({ $0 == known }) else { throw .remote(name: "BlobNotFound", message: "Blob not found") }
        calls.withLock { $0.append("reference \(r.recordURI.split(separator: "/").last!) \(r.blobs.map(\.cid))") }
        return Empty()
    }
    func release(_ r: BlobTypes.ReleaseRequest) async throws(IPCError) -> BlobTypes.ReleaseResponse {
        calls.withLock { $0.append("release \(r.recordURI.split(separator: "/").last!) keep \(r.keep) rev \(r.rev != nil)") }
        return .init(released: [])
    }
    private func unused<T>() throws(IPCError) -> T { throw .remote(name: "MethodNotImplemented", message: "") }
    func uploadStart(_ r: BlobTypes.UploadStartRequest) async throws(IPCError) -> BlobTypes.UploadStartResponse { try unused() }
    func importReferences(_ r: BlobTypes.ImportReferencesRequest) async throws(IPCError) -> Empty { try unused() }
    func blobCounts(_ r: BlobTypes.BlobCountsRequest) async throws(IPCError) -> BlobTypes.BlobCounts { try unused() }
    func uploadChunk(_ r: BlobTypes.UploadChunkRequest) async throws(IPCError) -> Empty { try unused() }
    func uploadFinish(_ r: BlobTypes.UploadRequest) async throws(IPCError) -> BlobTypes.BlobRef { try unused() }
    func uploadAbort(_ r: BlobTypes.UploadRequest) async throws(IPCError) -> Empty { try unused() }
    func blobInfo(_ r: BlobTypes.BlobInfoRequest) async throws(IPCError) -> BlobTypes.BlobInfo { try unused() }
    func readBlob(_ r: BlobTypes.ReadBlobRequest) async throws(IPCError) -> BlobTypes.BlobBytes { try unused() }
    func listBlobs(_ r: BlobTypes.ListBlobsRequest) async throws(IPCError) -> BlobTypes.ListBlobsResponse { try unused() }
    func listMissingBlobs(_ r: BlobTypes.ListMissingBlobsRequest) async throws(IPCError) -> BlobTypes.ListMissingBlobsResponse { try unused() }
    func sweep(_ r: Empty) async throws(IPCError) -> BlobTypes.SweepResponse { try unused() }
}

/// Record writes check and reference the blobs their records embed, and release them on
/// update and delete.
@Suite struct BlobReferencesTests {
    static let did = "did:plc:blobrefsblobrefsblobrefs"

    @Test func writesReferenceAndReleaseBlobs() async throws {
        let dir = try TempDirectory()
        let pool = ActorStorePool(dataDirectory: dir.url)
        let key = K256PrivateKey()
        _ = try await pool.create(did: Self.did, key: key).createRepo(key: key, rev: TIDClock.shared.next().string)
        let cid = CID.compute(.raw, of: [1, 2, 3] as [UInt8]).string
        let blobs = RecordingBlobs(known: .init(cid: cid, mimeType: "image/png", size: 3))
        let writer = RepoWriter(stores: pool, validator: LexiconCatalog.builtIn.recordValidator, blobs: BlobReferences(blobs: blobs))
        func post(size: Int) -> String {
            #"{"$type":"app.bsky.feed.post","text":"pic","createdAt":"2026-11-25T00:00:00.000Z","embed":{"$type":"app.bsky.embed.images","images":[{"alt":"","image":{"$type":"blob","ref":{"$link":""#
                + cid + #""},"mimeType":"image/png","size":"# + String(size) + "}}]}}"
        }
        let plain = #"{"$type":"app.bsky.feed.post","text":"no pic","createdAt":"2026-11-25T00:00:00.000Z"}"#

        _ = try await writer.apply(did: Self.did, [WriteRequest(action: .create, collection: "app.bsky.feed.post", rkey: "p1", recordJSON: post(size: 3))])
        #expect(blobs.calls.withLock { $0 } == ["reference p1 [\"\(cid)\"]", "release p1 keep [\"\(cid)\"] rev true"])

        // A ref the service refuses fails the write and commits nothing.
        await #expect(throws: IPCError.remote(name: "BlobNotFound", message: "Blob not found")) {
            try await writer.apply(did: Self.did, [WriteRequest(action: .create, collection: "app.bsky.feed.post", rkey: "p2", recordJSON: post(size: 4))])
        }
        #expect(try await pool.store(for: Self.did).store.record(collection: "app.bsky.feed.post", rkey: "p2", cid: nil) == nil)

        blobs.calls.withLock { $0.removeAll() }
        _ = try await writer.apply(did: Self.did, [WriteRequest(action: .update, collection: "app.bsky.feed.post", rkey: "p1", recordJSON: plain)])
        #expect(blobs.calls.withLock { $0 } == ["release p1 keep [] rev true"])

        // Writes touching no blob, before or after, cost no BlobService call.
        blobs.calls.withLock { $0.removeAll() }
        _ = try await writer.apply(did: Self.did, [WriteRequest(action: .delete, collection: "app.bsky.feed.post", rkey: "p1")])
        #expect(blobs.calls.withLock { $0 }.isEmpty)
    }
}
