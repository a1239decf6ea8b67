import Foundation
import IPC
import IPLD
import Synchronization
import TestSupport
import Testing
@testable import BlobService

/// The BlobService's IPC methods, called in-process through the same envelopes and codecs as
/// over sockets: chunked uploads with bounded buffering, aborts, the reaper, blobs in records.
@Suite struct BlobIPCTests {
    let post = "at://did:plc:alice0000000000000000000/app.bsky.feed.post/3kabc"

    func client(_ service: BlobService, abandonAfter: Duration = .seconds(60)) -> (BlobServiceClient, BlobServiceImplementation) {
        let impl = BlobServiceImplementation(service: service, abandonAfter: abandonAfter)
        return (BlobServiceClient(caller: InProcessCaller(impl.rpcHandlers(), name: "blob")), impl)
    }

    func staged(_ dir: TempDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path + "/blobs/tmp")) ?? []).filter { $0.hasPrefix("upload-") }
    }

    func expectRemote(_ name: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(name)")
        } catch IPCError.remote(let got, let message) {
            #expect(got == name, "\(message)")
        } catch { Issue.record("expected \(name), got \(error)") }
    }

    @Test func chunkedUploadThenReadInPieces() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let (blob, _) = client(try makeDiskService(dir))
        let body = GeneratedBytes(size: 2_500_000, chunkSize: 700_000, seed: 4)
        let id = try await blob.uploadStart(.init(did: alice, mimeType: nil)).uploadID
        var index = 0
        for try await chunk in body {
            _ = try await blob.uploadChunk(.init(uploadID: id, index: index, data: Data(chunk)))
            // A retried call repeats its index and changes nothing.
            _ = try await blob.uploadChunk(.init(uploadID: id, index: index, data: Data(chunk)))
            index += 1
        }
        let ref = try await blob.uploadFinish(.init(uploadID: id))
        #expect(ref.cid == (try await body.expectedCID()).string && ref.size == 2_500_000)
        #expect(staged(dir).isEmpty)

        let info = try await blob.blobInfo(.init(did: alice, cid: ref.cid, range: "bytes=1000-"))
        #expect(info.status == 206 && info.offset == 1000 && info.length == 2_499_000)
        let piece = try await blob.readBlob(.init(did: alice, cid: ref.cid, offset: 0, length: 5_000_000))
        #expect(piece.data.count == BlobTypes.maxChunkBytes)
        await expectRemote("InvalidRequest") { _ = try await blob.blobInfo(.init(did: alice, cid: "not-a-cid")) }
        await expectRemote("BlobNotFound") { _ = try await blob.blobInfo(.init(did: bob, cid: ref.cid)) }
    }

    @Test func outOfOrderChunkAndOverLimitAbortTheUpload() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let (blob, impl) = client(try makeDiskService(dir, uploadLimit: 1000))
        let id = try await blob.uploadStart(.init(did: alice, mimeType: nil)).uploadID
        await expectRemote("InvalidRequest") { _ = try await blob.uploadChunk(.init(uploadID: id, index: 3, data: Data([1]))) }
        _ = try await blob.uploadChunk(.init(uploadID: id, index: 0, data: Data(repeating: 1, count: 600)))
        await expectRemote("BlobTooLarge") {
            _ = try await blob.uploadChunk(.init(uploadID: id, index: 1, data: Data(repeating: 1, count: 600)))
            _ = try await blob.uploadFinish(.init(uploadID: id))
        }
        #expect(impl.uploadsInProgress == 0)
        #expect(staged(dir).isEmpty)
        await expectRemote("InvalidRequest") { _ = try await blob.uploadFinish(.init(uploadID: id)) }
    }

    @Test func abortAndAbandonRemoveTheSpoolFile() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        // Long enough that a loaded machine does not abandon the upload before the first check.
        let (blob, impl) = client(try makeDiskService(dir), abandonAfter: .seconds(1))
        let aborted = try await blob.uploadStart(.init(did: alice, mimeType: nil)).uploadID
        _ = try await blob.uploadChunk(.init(uploadID: aborted, index: 0, data: Data(repeating: 7, count: 10_000)))
        #expect(staged(dir).count == 1)
        _ = try await blob.uploadAbort(.init(uploadID: aborted))
        #expect(staged(dir).isEmpty)

        let abandoned = try await blob.uploadStart(.init(did: alice, mimeType: nil)).uploadID
        _ = try await blob.uploadChunk(.init(uploadID: abandoned, index: 0, data: Data(repeating: 8, count: 10_000)))
        #expect(await impl.reapUploads() == 0)
        try await Task.sleep(for: .milliseconds(1200))
        #expect(await impl.reapUploads() == 1)
        #expect(staged(dir).isEmpty && impl.uploadsInProgress == 0)
        await expectRemote("InvalidRequest") { _ = try await blob.uploadChunk(.init(uploadID: abandoned, index: 1, data: Data([1]))) }
    }

    @Test func channelHoldsAtMostItsCapacity() async throws {
        let channel = ChunkChannel(capacity: 2)
        let sent = Atomic<Int>(0)
        let producer = Task {
            for i in 0..<5 {
                try await channel.send([UInt8(i)])
                sent.add(1, ordering: .relaxed)
            }
            channel.finish()
        }
        try await Task.sleep(for: .milliseconds(100))
        // The first send returns at once; the second fills the channel and waits for room.
        #expect(sent.load(ordering: .relaxed) == 1)
        var got = [UInt8]()
        for try await chunk in channel { got += chunk }
        try await producer.value
        #expect(got == [0, 1, 2, 3, 4])

        let failing = ChunkChannel(capacity: 1)
        failing.fail(BlobError.blobTooLarge(limit: 1))
        await expectBlobError("BlobTooLarge") { try await failing.send([1]) }
    }

    @Test func blobsInRecordsAreCheckedReferencedAndReleased() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        let (blob, _) = client(service)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 3, count: 100)
        let ref = try await service.upload(did: alice, declaredMimeType: "image/png", chunks: ByteChunks(png))
        let good = BlobTypes.BlobRef(cid: ref.ref.string, mimeType: "image/png", size: Int64(png.count))
        await expectRemote("InvalidRequest") {
            _ = try await blob.checkAndReference(.init(did: alice, recordURI: post, blobs: [.init(cid: good.cid, mimeType: "image/png", size: 5)], rev: nil))
        }
        await expectRemote("InvalidMimeType") {
            _ = try await blob.checkAndReference(.init(did: alice, recordURI: post, blobs: [.init(cid: good.cid, mimeType: "image/jpeg", size: good.size)], rev: nil))
        }
        await expectRemote("BlobNotFound") {
            _ = try await blob.checkAndReference(.init(did: bob, recordURI: post, blobs: [good], rev: nil))
        }
        #expect(try await service.references(did: alice, cid: ref.ref).isEmpty)
        _ = try await blob.checkAndReference(.init(did: alice, recordURI: post, blobs: [good], rev: nil))
        #expect(try await blob.release(.init(did: alice, recordURI: post, keep: [good.cid], rev: "3kaaaaaaaaaa2")).released.isEmpty)
        #expect(try await blob.listBlobs(.init(did: alice, since: "3kaaaaaaaaaa1", cursor: nil, limit: 10)).cids == [good.cid])

        // Referenced: a sweep long after the TTL keeps it.
        let far = Date().addingTimeInterval(100 * 3600)
        #expect(try await service.sweep(now: far).deletedBlobs == 0)
        #expect(try await blob.release(.init(did: alice, recordURI: post)).released == [good.cid])
        #expect(try await service.sweep(now: far).deletedBlobs == 1)
        await expectRemote("BlobNotFound") { _ = try await blob.blobInfo(.init(did: alice, cid: good.cid)) }
    }
}
