import Foundation

/// Where and how to reach an S3-compatible bucket (AWS, MinIO, Cloudflare R2, Backblaze B2).
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
    /// Blobs larger than this go up in parts; smaller ones in one PutObject.
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

    /// Reads `PDS_BLOBSTORE_S3_REGION`, `_ENDPOINT`, `_FORCE_PATH_STYLE`, `_ACCESS_KEY_ID`,
    /// `_SECRET_ACCESS_KEY` (falling back to the AWS SDK's `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`).
    public init(bucket: String, environment env: [String: String]) throws(BlobError) {
        let region = env["PDS_BLOBSTORE_S3_REGION"].nonEmpty ?? env["AWS_REGION"].nonEmpty ?? "us-east-1"
        var endpoint: URL?
        if let e = env["PDS_BLOBSTORE_S3_ENDPOINT"].nonEmpty {
            guard let url = URL(string: e), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw .internalError("PDS_BLOBSTORE_S3_ENDPOINT is not an http(s) URL: \(e)")
            }
            endpoint = url
        }
        guard let key = env["PDS_BLOBSTORE_S3_ACCESS_KEY_ID"].nonEmpty ?? env["AWS_ACCESS_KEY_ID"].nonEmpty,
              let secret = env["PDS_BLOBSTORE_S3_SECRET_ACCESS_KEY"].nonEmpty ?? env["AWS_SECRET_ACCESS_KEY"].nonEmpty
        else { throw .internalError("PDS_BLOBSTORE_S3_BUCKET is set but the access key id or secret is missing") }
        let pathStyle = ["true", "1", "yes"].contains(env["PDS_BLOBSTORE_S3_FORCE_PATH_STYLE"]?.lowercased() ?? "")
        var partSize = 8 * 1024 * 1024
        if let p = try BlobServiceConfig.int(env, "PDS_BLOBSTORE_S3_PART_SIZE") { partSize = Int(p) }
        self.init(bucket: bucket, region: region, endpoint: endpoint, forcePathStyle: pathStyle,
                  accessKeyID: key, secretAccessKey: secret, partSize: partSize)
    }
}
