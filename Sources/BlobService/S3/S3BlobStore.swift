import AsyncHTTPClient
import Foundation
import IPLD
import NIOHTTP1
import S3

/// Blobs as objects `blobs/<cid>` in an S3-compatible bucket, through the shared `S3Client`
/// (SigV4, streamed bodies, multipart above the threshold).
public struct S3BlobStore: BlobStore {
    public let config: S3Config
    let client: S3Client

    public init(config: S3Config, client: HTTPClient = .shared) {
        self.config = config
        self.client = S3Client(config: config, client: client)
    }

    static func key(of cid: CID) -> String { "blobs/\(cid.string)" }

    public func put<S: AsyncSequence & Sendable>(_ cid: CID, size: Int64, sha256: [UInt8], chunks: S) async throws
    where S.Element == [UInt8] {
        try await client.putObject(Self.key(of: cid), size: size, sha256: sha256, chunks: chunks)
    }

    public func read(_ cid: CID, offset: Int64, length: Int64?) async throws -> BlobByteStream {
        guard let response = try await client.getObject(Self.key(of: cid), offset: offset, length: length) else {
            throw BlobError.blobNotFound(cid.string)
        }
        return BlobByteStream(response.body.map { @Sendable buffer in Array(buffer: buffer) })
    }

    public func size(of cid: CID) async throws -> Int64? { try await client.headObject(Self.key(of: cid)) }

    public func delete(_ cid: CID) async throws { try await client.deleteObject(Self.key(of: cid)) }

    /// One signed request (for tests that look at what the server holds).
    func send(_ operation: String, method: HTTPMethod, key: String) async throws -> HTTPClientResponse {
        try await client.send(operation, method: method, key: key)
    }

    func drain(_ response: HTTPClientResponse) async throws { try await client.drain(response) }
}
