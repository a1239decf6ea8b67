import Foundation
import IPLD
import TestSupport
import Testing
@testable import BlobService

/// Upload and serve through a disk store: sizes, refusals, aborted uploads, dedupe.
@Suite struct UploadServeTests {
    @Test(arguments: [1, 1_000_000, 60_000_000])
    func roundTrip(size: Int) async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        let body = GeneratedBytes(size: size, chunkSize: 256 * 1024, seed: UInt64(size))
        let ref = try await service.upload(did: alice, declaredMimeType: nil, chunks: body)
        #expect(ref.size == Int64(size))
        #expect(ref.ref == (try await body.expectedCID()))
        #expect(ref.ref.codec == CID.Codec.raw.rawValue && ref.ref.isATProtoBlessed)
        let download = try await service.read(did: alice, cid: ref.ref)
        #expect(download.headers.status == 200)
        #expect(download.headers["Content-Length"] == String(size))
        let (cid, count) = try await digest(of: download.body)
        #expect(cid == ref.ref && count == size)
        #expect(dir.files(under: "blobs/tmp").isEmpty)
    }

    @Test func blobRefJSON() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        let ref = try await service.upload(did: alice, declaredMimeType: "text/plain", chunks: ByteChunks(Array("hello".utf8)))
        let json = try JSONSerialization.jsonObject(with: Data(DataModelJSON.serialize(ref.uploadBlobResponse))) as! [String: Any]
        let blob = json["blob"] as! [String: Any]
        #expect(blob["$type"] as? String == "blob")
        #expect((blob["ref"] as? [String: String])?["$link"] == CID.compute(.raw, of: Array("hello".utf8)).string)
        #expect(blob["mimeType"] as? String == "text/plain")
        #expect(blob["size"] as? Int == 5)
    }

    @Test func emptyBodyRefused() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        let e = await expectBlobError("InvalidRequest") {
            _ = try await service.upload(did: alice, declaredMimeType: "image/png", chunks: ByteChunks([[], []]))
        }
        #expect(e?.status == 400)
        #expect(dir.files(under: "blobs").isEmpty)
    }

    @Test func overLimitRefusedAndNothingLeft() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir, uploadLimit: 1_000_000)
        // Exactly at the limit is fine.
        _ = try await service.upload(did: alice, declaredMimeType: nil, chunks: GeneratedBytes(size: 1_000_000))
        let before = dir.files(under: "blobs")
        let e = await expectBlobError("BlobTooLarge") {
            _ = try await service.upload(did: alice, declaredMimeType: nil, chunks: GeneratedBytes(size: 1_000_001, seed: 2))
        }
        #expect(e?.status == 413)
        #expect(dir.files(under: "blobs") == before)
        #expect(dir.files(under: "blobs/tmp").isEmpty)
        #expect(try await service.usage(did: alice).blobs == 1)
    }

    @Test func limitStopsReadingEarly() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir, uploadLimit: 100_000)
        // Would throw after 1 MB: the limit must stop the read long before that.
        let body = GeneratedBytes(size: 10_000_000, chunkSize: 10_000, failAfter: 1_000_000)
        await expectBlobError("BlobTooLarge") { _ = try await service.upload(did: alice, declaredMimeType: nil, chunks: body) }
    }

    @Test func abortedUploadLeavesNothing() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        let body = GeneratedBytes(size: 5_000_000, failAfter: 2_000_000)
        await #expect(throws: GeneratedBytes.ClientWentAway.self) {
            _ = try await service.upload(did: alice, declaredMimeType: nil, chunks: body)
        }
        #expect(dir.files(under: "blobs").isEmpty)
        #expect(try await service.usage(did: alice) == AccountUsage(bytes: 0, blobs: 0))
    }

    @Test func crashLeftoversRemovedOnOpen() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        _ = try makeDiskService(dir)
        _ = FileManager.default.createFile(atPath: dir.path + "/blobs/tmp/upload-crashed", contents: Data([1, 2, 3]))
        _ = FileManager.default.createFile(atPath: dir.path + "/blobs/tmp/put-crashed", contents: Data([1, 2, 3]))
        _ = try makeDiskService(dir)
        #expect(dir.files(under: "blobs/tmp").isEmpty)
    }

    @Test func sameBytesStoredOnce() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        let bytes = GeneratedBytes(size: 300_000, seed: 9)
        let a = try await service.upload(did: alice, declaredMimeType: nil, chunks: bytes)
        let b = try await service.upload(did: alice, declaredMimeType: nil, chunks: bytes)
        let c = try await service.upload(did: bob, declaredMimeType: nil, chunks: bytes)
        #expect(a == b && b == c)
        #expect(dir.files(under: "blobs/blocks").count == 1)
        #expect(try await service.usage(did: alice) == AccountUsage(bytes: 300_000, blobs: 1))
        #expect(try await service.usage(did: bob) == AccountUsage(bytes: 300_000, blobs: 1))
    }

    @Test func concurrentUploadsOfTheSameBytes() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        let body = GeneratedBytes(size: 500_000, seed: 77)
        let refs = try await withThrowingTaskGroup(of: BlobRef.self) { group in
            for i in 0..<8 {
                group.addTask { try await service.upload(did: i % 2 == 0 ? alice : bob, declaredMimeType: nil, chunks: body) }
            }
            return try await group.reduce(into: [BlobRef]()) { $0.append($1) }
        }
        #expect(Set(refs.map(\.ref)).count == 1)
        #expect(dir.files(under: "blobs/blocks").count == 1)
        #expect(dir.files(under: "blobs/tmp").isEmpty)
        #expect(try await service.usage(did: alice) == AccountUsage(bytes: 500_000, blobs: 1))
        #expect(try await service.usage(did: bob) == AccountUsage(bytes: 500_000, blobs: 1))
    }

    @Test func otherAccountsBlobNotServed() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        let ref = try await service.upload(did: alice, declaredMimeType: nil, chunks: ByteChunks([1, 2, 3]))
        await expectBlobError("BlobNotFound") { _ = try await service.read(did: bob, cid: ref.ref) }
        await expectBlobError("BlobNotFound") { _ = try await service.blob(did: bob, cid: ref.ref) }
    }

    @Test func getBlobHeaders() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 92)
        let ref = try await service.upload(did: alice, declaredMimeType: "image/jpeg", chunks: ByteChunks(png))
        #expect(ref.mimeType == "image/png")
        let h = try await service.read(did: alice, cid: ref.ref).headers
        #expect(h["content-type"] == "image/png")
        #expect(h["Content-Length"] == "100")
        #expect(h["Content-Security-Policy"] == "default-src 'none'; sandbox")
        #expect(h["X-Content-Type-Options"] == "nosniff")
        #expect(h["Cache-Control"] != nil && h["ETag"] == "\"\(ref.ref.string)\"")
        #expect(h["Content-Range"] == nil)
    }

    @Test func quotaRefusesNewBytesButNotDuplicates() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir, quota: 150_000)
        let first = GeneratedBytes(size: 100_000, seed: 1)
        _ = try await service.upload(did: alice, declaredMimeType: nil, chunks: first)
        _ = try await service.upload(did: alice, declaredMimeType: nil, chunks: first)
        let e = await expectBlobError("PayloadTooLarge") {
            _ = try await service.upload(did: alice, declaredMimeType: nil, chunks: GeneratedBytes(size: 100_000, seed: 2))
        }
        #expect(e?.status == 413)
        #expect(dir.files(under: "blobs/blocks").count == 1)
    }

    @Test func badDIDRefused() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        await expectBlobError("InvalidRequest") { _ = try await service.upload(did: "alice", declaredMimeType: nil, chunks: ByteChunks([1])) }
    }
}
