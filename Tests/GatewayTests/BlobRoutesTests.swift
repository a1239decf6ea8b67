import BlobService
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import IPC
import IPLD
import NIOCore
import TestSupport
import Testing

/// `uploadBlob`, `getBlob`, `listBlobs`, `listMissingBlobs` through the gateway router, with a
/// real BlobService behind it in-process.
@Suite struct BlobRoutesTests {
    let auth: HTTPFields = [.authorization: "Bearer \(BlobFixture.token)", .contentType: "image/png"]

    static func png(size: Int) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var x: UInt32 = 7
        while bytes.count < size {
            x = x &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: x >> 16))
        }
        return bytes
    }

    struct Uploaded: Decodable {
        struct Blob: Decodable {
            let type: String
            let ref: [String: String]
            let mimeType: String
            let size: Int
            enum CodingKeys: String, CodingKey { case type = "$type", ref, mimeType, size }
        }
        let blob: Blob
    }

    struct ErrorBody: Decodable { let error: String; let message: String }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(type, from: Data(response.body.readableBytesView))
    }

    @Test func uploadThenGetBlobWithHeadersAndRanges() async throws {
        let f = try BlobFixture()
        defer { f.cleanup() }
        let bytes = Self.png(size: 300_000)
        try await Application(router: f.router).test(.router) { client in
            let up = try await client.execute(uri: "/xrpc/com.atproto.repo.uploadBlob", method: .post, headers: auth, body: ByteBuffer(bytes: bytes))
            #expect(up.status == .ok)
            let blob = try Self.decode(Uploaded.self, up).blob
            let cid = try #require(blob.ref["$link"])
            #expect(blob.type == "blob" && blob.mimeType == "image/png" && blob.size == bytes.count)
            #expect(cid == CID.compute(.raw, of: bytes).string)

            let uri = "/xrpc/com.atproto.sync.getBlob?did=\(BlobFixture.alice)&cid=\(cid)"
            let got = try await client.execute(uri: uri, method: .get)
            #expect(got.status == .ok)
            #expect(Array(got.body.readableBytesView) == bytes)
            #expect(got.headers[.contentType] == "image/png")
            #expect(got.headers[.contentLength] == String(bytes.count))
            #expect(got.headers[.contentSecurityPolicy] == "default-src 'none'; sandbox")
            #expect(got.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(got.headers[.cacheControl]?.contains("max-age") == true)

            let part = try await client.execute(uri: uri, method: .get, headers: [.range: "bytes=100-199"])
            #expect(part.status == .partialContent)
            #expect(Array(part.body.readableBytesView) == Array(bytes[100..<200]))
            #expect(part.headers[.contentRange] == "bytes 100-199/\(bytes.count)")
            let tail = try await client.execute(uri: uri, method: .get, headers: [.range: "bytes=-10"])
            #expect(Array(tail.body.readableBytesView) == Array(bytes.suffix(10)))
            let beyond = try await client.execute(uri: uri, method: .get, headers: [.range: "bytes=999999-"])
            #expect(beyond.status == .rangeNotSatisfiable)
        }
        #expect(f.stagedFiles().isEmpty)
    }

    @Test func largeBlobCrossesInPieces() async throws {
        let f = try BlobFixture(uploadLimit: 5_000_000)
        defer { f.cleanup() }
        let bytes = Self.png(size: 3_500_000)
        try await Application(router: f.router).test(.router) { client in
            let up = try await client.execute(uri: "/xrpc/com.atproto.repo.uploadBlob", method: .post, headers: auth, body: ByteBuffer(bytes: bytes))
            let cid = try #require(try Self.decode(Uploaded.self, up).blob.ref["$link"])
            let got = try await client.execute(uri: "/xrpc/com.atproto.sync.getBlob?did=\(BlobFixture.alice)&cid=\(cid)", method: .get)
            #expect(got.body.readableBytes == bytes.count)
            #expect(Array(got.body.readableBytesView) == bytes)
        }
    }

    @Test func badUploadsAreRefusedAndLeaveNothing() async throws {
        let f = try BlobFixture(uploadLimit: 100_000)
        defer { f.cleanup() }
        try await Application(router: f.router).test(.router) { client in
            let empty = try await client.execute(uri: "/xrpc/com.atproto.repo.uploadBlob", method: .post, headers: auth, body: ByteBuffer())
            #expect(empty.status == .badRequest)
            #expect(try Self.decode(ErrorBody.self, empty).error == "InvalidRequest")

            let big = try await client.execute(uri: "/xrpc/com.atproto.repo.uploadBlob", method: .post, headers: auth,
                                               body: ByteBuffer(bytes: Self.png(size: 100_001)))
            #expect(big.status == .contentTooLarge)
            #expect(try Self.decode(ErrorBody.self, big).error == "BlobTooLarge")

            let anonymous = try await client.execute(uri: "/xrpc/com.atproto.repo.uploadBlob", method: .post,
                                                     headers: [.contentType: "image/png"], body: ByteBuffer(bytes: [1, 2, 3]))
            #expect(anonymous.status == .unauthorized)

            let wrongVerb = try await client.execute(uri: "/xrpc/com.atproto.repo.uploadBlob", method: .get, headers: auth)
            #expect(wrongVerb.status == .methodNotAllowed)
        }
        #expect(f.stagedFiles().isEmpty)
        #expect(f.implementation.uploadsInProgress == 0)
    }

    @Test func getBlobErrors() async throws {
        let f = try BlobFixture()
        defer { f.cleanup() }
        let unknownCID = CID.compute(.raw, of: [9, 9, 9] as [UInt8]).string
        try await Application(router: f.router).test(.router) { client in
            let badCID = try await client.execute(uri: "/xrpc/com.atproto.sync.getBlob?did=\(BlobFixture.alice)&cid=bafyNOTACID", method: .get)
            #expect(badCID.status == .badRequest)
            #expect(try Self.decode(ErrorBody.self, badCID).error == "InvalidRequest")

            let missing = try await client.execute(uri: "/xrpc/com.atproto.sync.getBlob?did=\(BlobFixture.alice)&cid=\(unknownCID)", method: .get)
            #expect(missing.status == .badRequest)
            #expect(try Self.decode(ErrorBody.self, missing).error == "BlobNotFound")

            let notHosted = try await client.execute(uri: "/xrpc/com.atproto.sync.getBlob?did=did:plc:someoneelse000000000000&cid=\(unknownCID)", method: .get)
            #expect(notHosted.status == .badRequest)
            #expect(try Self.decode(ErrorBody.self, notHosted).error == "RepoNotFound")

            let noCID = try await client.execute(uri: "/xrpc/com.atproto.sync.getBlob?did=\(BlobFixture.alice)", method: .get)
            #expect(noCID.status == .badRequest)
        }
    }

    @Test func takenDownBlobIsNotServed() async throws {
        let f = try BlobFixture()
        defer { f.cleanup() }
        let ref = try await f.blobs.upload(did: BlobFixture.alice, declaredMimeType: "image/png", chunks: ByteChunks(Self.png(size: 1000)))
        try await f.blobs.takedown(did: BlobFixture.alice, cid: ref.ref, ref: "mod-1")
        try await Application(router: f.router).test(.router) { client in
            let got = try await client.execute(uri: "/xrpc/com.atproto.sync.getBlob?did=\(BlobFixture.alice)&cid=\(ref.ref.string)", method: .get)
            #expect(try Self.decode(ErrorBody.self, got).error == "BlobNotFound")
        }
    }

    @Test func listBlobsAndMissingBlobs() async throws {
        let f = try BlobFixture()
        defer { f.cleanup() }
        let a = try await f.blobs.upload(did: BlobFixture.alice, declaredMimeType: nil, chunks: ByteChunks(Self.png(size: 500)))
        let missing = CID.compute(.raw, of: [1] as [UInt8])
        try await f.blobs.markReferenced(did: BlobFixture.alice, recordURI: "at://\(BlobFixture.alice)/app.bsky.feed.post/1",
                                         cids: [a.ref, missing], repoRev: "3kaaaaaaaaaa2", requireStored: false)
        try await Application(router: f.router).test(.router) { client in
            let list = try await client.execute(uri: "/xrpc/com.atproto.sync.listBlobs?did=\(BlobFixture.alice)", method: .get)
            let cids = try JSONSerialization.jsonObject(with: Data(list.body.readableBytesView)) as? [String: Any]
            #expect(cids?["cids"] as? [String] == [a.ref.string])
            let missingList = try await client.execute(uri: "/xrpc/com.atproto.repo.listMissingBlobs", method: .get, headers: auth)
            let body = try JSONSerialization.jsonObject(with: Data(missingList.body.readableBytesView)) as? [String: Any]
            let blobs = body?["blobs"] as? [[String: String]]
            #expect(blobs?.map { $0["cid"] } == [missing.string])
            let anonymous = try await client.execute(uri: "/xrpc/com.atproto.repo.listMissingBlobs", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }
}
