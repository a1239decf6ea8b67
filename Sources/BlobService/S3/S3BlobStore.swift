import AsyncHTTPClient
import Crypto
import Foundation
import IPLD
import NIOCore
import NIOHTTP1

/// Blobs as objects `blobs/<cid>` in an S3-compatible bucket.
///
/// HTTP goes through AsyncHTTPClient: real S3 endpoints are HTTPS-only, and it streams both
/// request and response bodies with back-pressure; a hand-written client would need TLS
/// too. Requests are signed here (`SigV4`). A blob up to `multipartThreshold` goes up in one
/// PutObject streamed from its source; a larger one in parts of `partSize`, one part
/// buffered at a time (its SHA-256 must be known before it is sent).
public struct S3BlobStore: BlobStore {
    public let config: S3Config
    let endpoint: S3Endpoint
    let signer: SigV4
    let client: HTTPClient
    /// How long to wait for a response head; bodies stream for as long as they take.
    static let headTimeout: TimeAmount = .seconds(60)

    public init(config: S3Config, client: HTTPClient = .shared) {
        self.config = config
        endpoint = S3Endpoint(config: config)
        signer = SigV4(accessKeyID: config.accessKeyID, secretAccessKey: config.secretAccessKey, region: config.region, service: "s3")
        self.client = client
    }

    static func key(of cid: CID) -> String { "blobs/\(cid.string)" }

    public func put<S: AsyncSequence & Sendable>(_ cid: CID, size: Int64, sha256: [UInt8], chunks: S) async throws
    where S.Element == [UInt8] {
        let key = Self.key(of: cid)
        if size > config.multipartThreshold {
            try await S3MultipartUpload(store: self, key: key).run(chunks)
            return
        }
        let body = chunks.map { @Sendable chunk in ByteBuffer(bytes: chunk) }
        let response = try await send("PutObject", method: .PUT, key: key, headers: [("Content-Length", String(size))],
                                      payloadHash: SigV4.hex(sha256), body: .stream(body, length: .known(size)))
        try await expect(response, "PutObject", [200])
        try await drain(response)
    }

    public func read(_ cid: CID, offset: Int64, length: Int64?) async throws -> BlobByteStream {
        var headers: [(String, String)] = []
        if offset > 0 || length != nil {
            headers.append(("Range", "bytes=\(offset)-" + (length.map { String(offset + $0 - 1) } ?? "")))
        }
        let response = try await send("GetObject", method: .GET, key: Self.key(of: cid), headers: headers)
        if response.status.code == 404 {
            _ = try? await response.body.collect(upTo: 64 * 1024)
            throw BlobError.blobNotFound(cid.string)
        }
        try await expect(response, "GetObject", [200, 206])
        return BlobByteStream(response.body.map { @Sendable buffer in Array(buffer: buffer) })
    }

    public func size(of cid: CID) async throws -> Int64? {
        let response = try await send("HeadObject", method: .HEAD, key: Self.key(of: cid))
        if response.status.code == 404 {
            try await drain(response)
            return nil
        }
        try await expect(response, "HeadObject", [200])
        try await drain(response)
        return response.headers.first(name: "Content-Length").flatMap { Int64($0) }
    }

    public func delete(_ cid: CID) async throws {
        let response = try await send("DeleteObject", method: .DELETE, key: Self.key(of: cid))
        try await expect(response, "DeleteObject", [200, 204, 404])
        try await drain(response)
    }

    // MARK: Requests

    /// Signs and sends one request; the caller reads (or drops) the response body.
    func send(_ operation: String, method: HTTPMethod, key: String, query: [(String, String)] = [],
              headers extra: [(String, String)] = [], payloadHash: String = SigV4.emptyPayloadHash,
              body: HTTPClientRequest.Body? = nil) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: endpoint.url(key: key, query: query))
        request.method = method
        let signed = signer.signedHeaders(method: method.rawValue, encodedPath: endpoint.encodedPath(key: key), query: query,
                                          headers: [("Host", endpoint.host)] + extra, payloadHash: payloadHash)
        for (name, value) in signed { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = body
        return try await client.execute(request, timeout: Self.headTimeout)
    }

    /// Throws an `S3Error` (with the server's error code) unless the status is expected; on
    /// success the body is left for the caller.
    func expect(_ response: HTTPClientResponse, _ operation: String, _ statuses: Set<UInt>) async throws {
        guard !statuses.contains(response.status.code) else { return }
        let body = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
        throw S3Error(operation: operation, status: Int(response.status.code), body: body)
    }

    /// Reads and drops a body nobody needs, so the connection can be reused.
    func drain(_ response: HTTPClientResponse) async throws {
        _ = try await response.body.collect(upTo: 1024 * 1024)
    }

    /// Reads a small XML answer whole.
    func text(_ response: HTTPClientResponse) async throws -> String {
        String(buffer: try await response.body.collect(upTo: 1024 * 1024))
    }
}
