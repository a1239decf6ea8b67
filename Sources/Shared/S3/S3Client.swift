import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// The one S3 client of PDSwift (the blob store and the backups use it): signed requests to
/// an S3-compatible bucket over AsyncHTTPClient, which streams both request and response
/// bodies with back-pressure and speaks TLS (real S3 endpoints are HTTPS-only).
///
/// An object up to `multipartThreshold` goes up in one PutObject streamed from its source; a
/// larger one in parts of `partSize`, one part buffered at a time (its SHA-256 must be known
/// before it is sent).
public struct S3Client: Sendable {
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

    // MARK: Objects

    /// Stores `key` from `chunks` (exactly `size` bytes whose SHA-256 is `sha256`).
    public func putObject<S: AsyncSequence & Sendable>(_ key: String, size: Int64, sha256: [UInt8], chunks: S) async throws
    where S.Element == [UInt8] {
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

    /// Stores `key` from small in-memory bytes.
    public func putObject(_ key: String, bytes: [UInt8]) async throws {
        let response = try await send("PutObject", method: .PUT, key: key, headers: [("Content-Length", String(bytes.count))],
                                      payloadHash: SigV4.hex(SHA256.hash(data: bytes)), body: .bytes(ByteBuffer(bytes: bytes)))
        try await expect(response, "PutObject", [200])
        try await drain(response)
    }

    /// The response of a GetObject of `key` (whole, or `length` bytes from `offset`); nil when
    /// there is no such object. The caller reads the body.
    public func getObject(_ key: String, offset: Int64 = 0, length: Int64? = nil) async throws -> HTTPClientResponse? {
        var headers: [(String, String)] = []
        if offset > 0 || length != nil {
            headers.append(("Range", "bytes=\(offset)-" + (length.map { String(offset + $0 - 1) } ?? "")))
        }
        let response = try await send("GetObject", method: .GET, key: key, headers: headers)
        if response.status.code == 404 {
            try await drain(response)
            return nil
        }
        try await expect(response, "GetObject", [200, 206])
        return response
    }

    /// The whole of a small object, or nil when absent.
    public func getBytes(_ key: String, limit: Int = 64 << 20) async throws -> [UInt8]? {
        guard let response = try await getObject(key) else { return nil }
        return Array(buffer: try await response.body.collect(upTo: limit))
    }

    /// The size of `key`, or nil when it does not exist.
    public func headObject(_ key: String) async throws -> Int64? {
        let response = try await send("HeadObject", method: .HEAD, key: key)
        if response.status.code == 404 {
            try await drain(response)
            return nil
        }
        try await expect(response, "HeadObject", [200])
        try await drain(response)
        return response.headers.first(name: "Content-Length").flatMap { Int64($0) }
    }

    /// Deletes `key`; deleting a missing object is not an error.
    public func deleteObject(_ key: String) async throws {
        let response = try await send("DeleteObject", method: .DELETE, key: key)
        try await expect(response, "DeleteObject", [200, 204, 404])
        try await drain(response)
    }

    /// Every object whose key starts with `prefix`, with its size (ListObjectsV2, page by page).
    public func listObjects(prefix: String) async throws -> [(key: String, size: Int64)] {
        var result = [(key: String, size: Int64)]()
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send("ListObjectsV2", method: .GET, key: "", query: query)
            try await expect(response, "ListObjectsV2", [200])
            let xml = try await text(response)
            for chunk in xml.components(separatedBy: "<Contents>").dropFirst() {
                guard let key = S3XML.value(of: "Key", in: chunk) else { continue }
                result.append((key, S3XML.value(of: "Size", in: chunk).flatMap { Int64($0) } ?? 0))
            }
            token = S3XML.value(of: "IsTruncated", in: xml) == "true" ? S3XML.value(of: "NextContinuationToken", in: xml) : nil
        } while token != nil
        return result
    }

    // MARK: Requests

    /// Signs and sends one request; the caller reads (or drops) the response body. An empty
    /// `key` addresses the bucket itself.
    public func send(_ operation: String, method: HTTPMethod, key: String, query: [(String, String)] = [],
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
    public func expect(_ response: HTTPClientResponse, _ operation: String, _ statuses: Set<UInt>) async throws {
        guard !statuses.contains(response.status.code) else { return }
        let body = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
        throw S3Error(operation: operation, status: Int(response.status.code), body: body)
    }

    /// Reads and drops a body nobody needs, so the connection can be reused.
    public func drain(_ response: HTTPClientResponse) async throws {
        _ = try await response.body.collect(upTo: 1024 * 1024)
    }

    /// Reads a small XML answer whole.
    public func text(_ response: HTTPClientResponse) async throws -> String {
        String(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
    }
}
