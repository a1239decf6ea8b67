import Foundation
import IPLD
import TestSupport
import Testing
@testable import BlobService

/// Temp → permanent on reference, garbage collection, missing blobs, listing, takedowns.
@Suite struct ReferencesAndSweepTests {
    let ttl: TimeInterval = 6 * 3600
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let post = "at://did:plc:alice0000000000000000000/app.bsky.feed.post/3kabc"
    let post2 = "at://did:plc:alice0000000000000000000/app.bsky.feed.post/3kdef"

    func upload(_ s: BlobService, _ did: String = alice, seed: UInt64, at: Date) async throws -> BlobRef {
        try await s.upload(did: did, declaredMimeType: nil, chunks: GeneratedBytes(size: 10_000, seed: seed), now: at)
    }

    @Test func tempBlobOlderThanTTLIsRemoved() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let s = try makeDiskService(dir)
        let ref = try await upload(s, seed: 1, at: t0)
        #expect(try await s.sweep(now: t0.addingTimeInterval(ttl - 1)) == SweepReport())
        #expect(try await s.blob(did: alice, cid: ref.ref).permanent == false)
        let report = try await s.sweep(now: t0.addingTimeInterval(ttl + 1))
        #expect(report.expiredRows == 1 && report.deletedBlobs == 1 && report.freedBytes == 10_000)
        await expectBlobError("BlobNotFound") { _ = try await s.read(did: alice, cid: ref.ref) }
        #expect(dir.files(under: "blobs/blocks").isEmpty)
        #expect(try await s.usage(did: alice) == AccountUsage(bytes: 0, blobs: 0))
    }

    @Test func referencedBlobSurvivesAndReleaseMakesItCollectable() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let s = try makeDiskService(dir)
        let ref = try await upload(s, seed: 2, at: t0)
        try await s.markReferenced(did: alice, recordURI: post, cids: [ref.ref])
        try await s.markReferenced(did: alice, recordURI: post2, cids: [ref.ref])
        #expect(try await s.blob(did: alice, cid: ref.ref).permanent)
        let later = t0.addingTimeInterval(10 * ttl)
        #expect(try await s.sweep(now: later).expiredRows == 0)
        // One of two references goes: still permanent.
        #expect(try await s.releaseReferences(did: alice, recordURI: post, now: later).isEmpty)
        #expect(try await s.sweep(now: later.addingTimeInterval(10 * ttl)).expiredRows == 0)
        #expect(try await s.blob(did: alice, cid: ref.ref).permanent)
        // The last one goes: temporary again, collectable a TTL after the release.
        let released = later.addingTimeInterval(10 * ttl)
        #expect(try await s.releaseReferences(did: alice, recordURI: post2, now: released) == [ref.ref])
        #expect(try await s.blob(did: alice, cid: ref.ref).permanent == false)
        #expect(try await s.sweep(now: released.addingTimeInterval(ttl / 2)).expiredRows == 0)
        #expect(try await s.sweep(now: released.addingTimeInterval(ttl + 1)).deletedBlobs == 1)
        await expectBlobError("BlobNotFound") { _ = try await s.blob(did: alice, cid: ref.ref) }
    }

    @Test func sharedBytesStayWhileAnotherAccountHoldsThem() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let s = try makeDiskService(dir)
        let a = try await upload(s, alice, seed: 3, at: t0)
        _ = try await upload(s, bob, seed: 3, at: t0)
        try await s.markReferenced(did: bob, recordURI: "at://\(bob)/app.bsky.feed.post/1", cids: [a.ref])
        let report = try await s.sweep(now: t0.addingTimeInterval(ttl + 1))
        #expect(report.expiredRows == 1 && report.deletedBlobs == 0)
        await expectBlobError("BlobNotFound") { _ = try await s.read(did: alice, cid: a.ref) }
        #expect(try await s.read(did: bob, cid: a.ref).body.collect().count == 10_000)
    }

    @Test func markReferencedNeedsUploadedBlobs() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let s = try makeDiskService(dir)
        let ref = try await upload(s, seed: 4, at: t0)
        let ghost = CID.compute(.raw, of: [9, 9, 9])
        await expectBlobError("BlobNotFound") { try await s.markReferenced(did: alice, recordURI: post, cids: [ref.ref, ghost]) }
        // All or nothing: the uploaded one did not become permanent.
        #expect(try await s.blob(did: alice, cid: ref.ref).permanent == false)
        #expect(try await s.missingBlobs(did: alice, cids: [ref.ref, ghost]) == [ghost])
    }

    @Test func importThenUploadMissingBlobs() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let s = try makeDiskService(dir)
        let body = GeneratedBytes(size: 10_000, seed: 5)
        let cid = try await body.expectedCID()
        try await s.markReferenced(did: alice, recordURI: post, cids: [cid], repoRev: "3kaaaaaaaaa22", requireStored: false)
        let missing = try await s.listMissingBlobs(did: alice)
        #expect(missing.blobs.count == 1 && missing.blobs[0].cid == cid && missing.blobs[0].recordURI == post)
        let ref = try await s.upload(did: alice, declaredMimeType: nil, chunks: body, now: t0)
        #expect(ref.ref == cid)
        // Referenced before it arrived: permanent at once, never collected.
        #expect(try await s.blob(did: alice, cid: cid).permanent)
        #expect(try await s.sweep(now: t0.addingTimeInterval(100 * ttl)).expiredRows == 0)
        #expect(try await s.listMissingBlobs(did: alice).blobs.isEmpty)
    }

    @Test func listBlobsPagesAndSince() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let s = try makeDiskService(dir)
        var cids = [CID]()
        for i in 0..<5 {
            let ref = try await upload(s, seed: 100 + UInt64(i), at: t0)
            try await s.markReferenced(did: alice, recordURI: post + "\(i)", cids: [ref.ref], repoRev: "3kaaaaaaaaa2\(i)")
            cids.append(ref.ref)
        }
        _ = try await upload(s, seed: 999, at: t0)   // temporary: not in the repo, not listed
        let page1 = try await s.listBlobs(did: alice, limit: 3)
        #expect(page1.cids.count == 3 && page1.cursor != nil)
        let page2 = try await s.listBlobs(did: alice, cursor: page1.cursor, limit: 3)
        #expect(page2.cids.count == 2 && page2.cursor == nil)
        #expect(Set(page1.cids + page2.cids) == Set(cids))
        #expect(page1.cids + page2.cids == (page1.cids + page2.cids).sorted { $0.string < $1.string })
        let since = try await s.listBlobs(did: alice, since: "3kaaaaaaaaa22")
        #expect(Set(since.cids) == Set(cids[3...]))
        try await s.takedown(did: alice, cid: cids[0], ref: "mod-1")
        #expect(!(try await s.listBlobs(did: alice).cids.contains(cids[0])))
    }

    @Test func takedownHidesAndRestores() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let s = try makeDiskService(dir)
        let ref = try await upload(s, seed: 6, at: t0)
        try await s.takedown(did: alice, cid: ref.ref, ref: "mod-42")
        await expectBlobError("BlobNotFound") { _ = try await s.read(did: alice, cid: ref.ref) }
        await expectBlobError("BlobNotFound") { try await s.markReferenced(did: alice, recordURI: post, cids: [ref.ref]) }
        try await s.takedown(did: alice, cid: ref.ref, ref: nil)
        #expect(try await s.read(did: alice, cid: ref.ref).body.collect().count == 10_000)
        await expectBlobError("BlobNotFound") { try await s.takedown(did: bob, cid: ref.ref, ref: "x") }
    }

    @Test func reuploadRestartsTheClock() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let s = try makeDiskService(dir)
        let ref = try await upload(s, seed: 7, at: t0)
        _ = try await upload(s, seed: 7, at: t0.addingTimeInterval(ttl))
        #expect(try await s.sweep(now: t0.addingTimeInterval(ttl + 10)).expiredRows == 0)
        #expect(try await s.blob(did: alice, cid: ref.ref).size == 10_000)
    }

    @Test func interruptedWriteIsSweptAsOrphan() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let s = try makeDiskService(dir)
        // Bytes stored and journalled, but the row never written (a crash in between).
        let bytes = Array(repeating: UInt8(1), count: 1000)
        let cid = CID.compute(.raw, of: bytes)
        try await s.index.beginPut(cid: cid.string, at: t0)
        try await s.store.put(cid, size: 1000, sha256: Array(cid.digest), chunks: ByteChunks(bytes))
        #expect(try await s.store.size(of: cid) == 1000)
        #expect(try await s.sweep(now: t0.addingTimeInterval(ttl + 1)).orphansRemoved == 1)
        #expect(try await s.store.size(of: cid) == nil)
    }

    @Test func deleteAccountRemovesUnsharedBytes() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let s = try makeDiskService(dir)
        let shared = try await upload(s, alice, seed: 8, at: t0)
        _ = try await upload(s, bob, seed: 8, at: t0)
        let own = try await upload(s, alice, seed: 9, at: t0)
        try await s.deleteAccount(did: alice)
        #expect(try await s.store.size(of: own.ref) == nil)
        #expect(try await s.store.size(of: shared.ref) == 10_000)
        #expect(try await s.usage(did: alice) == AccountUsage(bytes: 0, blobs: 0))
    }

    static let badCIDs = [
        "", "hello", "bafy",
        "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",                     // CIDv0
        "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",        // dag-pb
        "zdj7WhuEjrB52m1BisYCtmjH1hSKa7yZ3jEZ9JcXaFRD51wVz",                  // base58 v1
    ]

    @Test(arguments: badCIDs)
    func badCIDRefused(_ s: String) {
        #expect(throws: BlobError.self) { try BlobService.parseCID(s) }
        do { _ = try BlobService.parseCID(s) } catch { #expect(error.xrpcError == "InvalidRequest" && error.status == 400) }
    }

    @Test func goodCIDsParse() throws {
        let raw = CID.compute(.raw, of: [1])
        let cbor = CID.compute(.dagCBOR, of: [1])
        #expect(try BlobService.parseCID(raw.string) == raw)
        #expect(try BlobService.parseCID(cbor.string) == cbor)
    }
}
