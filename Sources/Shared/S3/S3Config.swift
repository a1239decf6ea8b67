import Foundation

/// Where and how to reach an S3-compatible bucket (AWS, MinIO, Cloudflare R2, Backblaze B2):
/// the blob store's and the backups' alike.
public struct S3Config: Sendable {
    public var bucket: String
    /// Signing region; R2 wants `auto`, MinIO and most others accept `us-east-1`.
    public var region: String
    /// Base URL of the service, e.g. `https://s3.us-east-1.amazonaws.com` or `http://127.0.0.1:9000`.
    public var endpoint: URL
    /// Bucket in the path (`endpoint/bucket/key`) rather than in the host (`bucket.endpoint/key`).
    /// MinIO and most self-hosted servers need path style; AWS prefers virtual hosts.
    public var forcePathStyle: Bool
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Size of each multipart part; S3 refuses parts under 5 MiB except the last.
    public var partSize: Int
    /// Objects larger than this go up in parts; smaller ones in one PutObject.
    public var multipartThreshold: Int64

    public static let minimumPartSize = 5 * 1024 * 1024

    public init(bucket: String, region: String = "us-east-1", endpoint: URL? = nil, forcePathStyle: Bool = false,
                accessKeyID: String, secretAccessKey: String,
                partSize: Int = 8 * 1024 * 1024, multipartThreshold: Int64? = nil) {
        self.bucket = bucket
        self.region = region
        self.endpoint = endpoint ?? URL(string: "https://s3.\(region).amazonaws.com")!
        self.forcePathStyle = forcePathStyle
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.partSize = max(partSize, Self.minimumPartSize)
        self.multipartThreshold = multipartThreshold ?? Int64(self.partSize)
    }
}
