import Foundation
import S3

extension S3Config {
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
