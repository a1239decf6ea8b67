import TestSupport
import Testing
@testable import BlobService

/// HTTP range requests: parsing, resolution, headers and ranged reads.
@Suite struct RangeTests {
    @Test func parse() {
        #expect(ByteRange.parse(header: "bytes=0-9") == .from(0, through: 9))
        #expect(ByteRange.parse(header: "bytes=100-") == .from(100, through: nil))
        #expect(ByteRange.parse(header: "bytes=-500") == .suffix(500))
        #expect(ByteRange.parse(header: " Bytes=5-5 ") == .from(5, through: 5))
        for bad in ["bytes=9-0", "bytes=a-b", "items=0-1", "bytes=0-1,5-6", "bytes=-", "bytes=1--2", "bytes=+1-2"] {
            #expect(ByteRange.parse(header: bad) == nil, "\(bad)")
        }
    }

    @Test func resolve() throws {
        #expect(try ByteRange.resolve(.from(0, through: 9), size: 100) == ByteRange(offset: 0, length: 10))
        #expect(try ByteRange.resolve(.from(90, through: 200), size: 100) == ByteRange(offset: 90, length: 10))
        #expect(try ByteRange.resolve(.from(99, through: nil), size: 100) == ByteRange(offset: 99, length: 1))
        #expect(try ByteRange.resolve(.suffix(10), size: 100) == ByteRange(offset: 90, length: 10))
        #expect(try ByteRange.resolve(.suffix(1000), size: 100) == ByteRange(offset: 0, length: 100))
        #expect(throws: BlobError.rangeNotSatisfiable(size: 100)) { try ByteRange.resolve(.from(100, through: nil), size: 100) }
        #expect(throws: BlobError.rangeNotSatisfiable(size: 100)) { try ByteRange.resolve(.suffix(0), size: 100) }
    }

    @Test func rangedReads() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let service = try makeDiskService(dir)
        let bytes = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let ref = try await service.upload(did: alice, declaredMimeType: nil, chunks: ByteChunks([Array(bytes[..<300_000]), Array(bytes[300_000...])]))
        for (request, lo, hi) in [(ByteRange.Request.from(0, through: 0), 0, 0), (.from(1000, through: 299_999), 1000, 299_999),
                                  (.from(999_000, through: nil), 999_000, 999_999), (.suffix(12345), 1_000_000 - 12345, 999_999)] {
            let d = try await service.read(did: alice, cid: ref.ref, range: request)
            #expect(d.headers.status == 206)
            #expect(d.headers["Content-Range"] == "bytes \(lo)-\(hi)/1000000")
            #expect(d.headers["Content-Length"] == String(hi - lo + 1))
            #expect(try await d.body.collect() == Array(bytes[lo...hi]))
        }
        let e = await expectBlobError("RangeNotSatisfiable") { _ = try await service.read(did: alice, cid: ref.ref, range: .from(1_000_000, through: nil)) }
        #expect(e?.status == 416)
    }
}
