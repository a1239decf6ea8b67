/// A BlobService error, named as the XRPC error the gateway answers with, with its HTTP status.
public struct BlobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The XRPC error name (`BlobNotFound`, `BlobTooLarge`, `InvalidRequest`, …).
    public let xrpcError: String
    public let message: String
    /// The HTTP status the gateway answers with.
    public let status: Int

    public init(_ xrpcError: String, _ message: String, status: Int = 400) {
        self.xrpcError = xrpcError
        self.message = message
        self.status = status
    }

    public var description: String { "\(xrpcError): \(message)" }

    /// The reference PDS answers a missing (or taken-down) blob with 400 `BlobNotFound`.
    public static func blobNotFound(_ cid: String) -> BlobError { .init("BlobNotFound", "Blob not found: \(cid)") }
    /// Body over `PDS_BLOB_UPLOAD_LIMIT`: 413, named as the reference names it.
    public static func blobTooLarge(limit: Int64) -> BlobError {
        .init("BlobTooLarge", "This file is too large. It is \(limit) bytes at most.", status: 413)
    }
    /// The account's optional storage quota would be passed.
    public static func quotaExceeded(quota: Int64) -> BlobError {
        .init("PayloadTooLarge", "Blob storage quota of \(quota) bytes exceeded", status: 413)
    }
    public static func invalidRequest(_ m: String) -> BlobError { .init("InvalidRequest", m) }
    public static let emptyBody = BlobError("InvalidRequest", "Request body is empty")
    /// A Range header that selects no byte of the blob.
    public static func rangeNotSatisfiable(size: Int64) -> BlobError {
        .init("RangeNotSatisfiable", "Requested range is not satisfiable for a blob of \(size) bytes", status: 416)
    }
    public static func internalError(_ m: String) -> BlobError { .init("InternalServerError", m, status: 500) }
    /// The backing store (disk or S3) failed; the client may retry.
    public static func storageUnavailable(_ m: String) -> BlobError { .init("InternalServerError", "Blob storage failed: \(m)", status: 502) }
}
