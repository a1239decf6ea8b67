import Foundation

/// How a bucket's objects are addressed: in the path (`http://host/bucket/key`, MinIO, moto,
/// `PDS_BLOBSTORE_S3_FORCE_PATH_STYLE=true`) or in the host (`https://bucket.host/key`, AWS's
/// preference, R2 and B2 accept both).
struct S3Endpoint: Sendable {
    let scheme: String
    /// The Host header value for the bucket (with `:port` when the endpoint names one).
    let host: String
    /// The path prefix before the key: `/bucket` in path style, empty otherwise.
    let bucketPath: String

    init(config: S3Config) {
        let url = config.endpoint
        scheme = url.scheme ?? "https"
        let base = url.host ?? "localhost"
        let port = url.port.map { ":\($0)" } ?? ""
        // The endpoint may carry a base path (a reverse proxy); keep it without trailing slash.
        var prefix = url.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        if config.forcePathStyle {
            host = base + port
            bucketPath = prefix + "/" + SigV4.uriEncode(config.bucket, encodeSlash: true)
        } else {
            host = config.bucket + "." + base + port
            bucketPath = prefix
        }
    }

    /// The canonical (URI-encoded) path of `key`.
    func encodedPath(key: String) -> String { bucketPath + "/" + SigV4.uriEncode(key, encodeSlash: false) }

    /// The full URL of `key` with `query`, encoded exactly as it is signed.
    func url(key: String, query: [(String, String)] = []) -> String {
        var s = "\(scheme)://\(host)\(encodedPath(key: key))"
        if !query.isEmpty {
            // Encoded as the canonical query is, so what is sent is what was signed
            // (`?uploads` goes out as `?uploads=`, which S3 reads the same).
            s += "?" + query.map { "\(SigV4.uriEncode($0.0, encodeSlash: true))=\(SigV4.uriEncode($0.1, encodeSlash: true))" }
                .joined(separator: "&")
        }
        return s
    }
}
