/// The HTTP status and headers of a `com.atproto.sync.getBlob` answer, for the gateway to copy
/// onto its response as they are.
public struct BlobResponseHeaders: Sendable, Equatable {
    /// 200, or 206 for a range.
    public let status: Int
    /// Header names and values, in order.
    public let fields: [(String, String)]
    /// The whole blob's size (whatever part is answered).
    public let size: Int64

    /// The cache policy: blobs are immutable under their CID, but a takedown must reach
    /// caches eventually, so a day rather than a year.
    public static let cacheControl = "public, max-age=86400"

    /// Headers for the whole blob, or for `range` of it.
    public init(cid: String, mimeType: String, size: Int64, range: ByteRange?) {
        var f: [(String, String)] = [
            ("Content-Type", mimeType),
            ("Content-Length", String(range?.length ?? size)),
            // A blob is whatever a user uploaded: never let a browser run it or guess its type.
            ("Content-Security-Policy", "default-src 'none'; sandbox"),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", Self.cacheControl),
            ("ETag", "\"\(cid)\""),
            ("Accept-Ranges", "bytes"),
        ]
        if let range { f.append(("Content-Range", range.contentRange(size: size))) }
        status = range == nil ? 200 : 206
        fields = f
        self.size = size
    }

    /// The value of a header (case-insensitive name).
    public subscript(name: String) -> String? {
        fields.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public static func == (a: BlobResponseHeaders, b: BlobResponseHeaders) -> Bool {
        a.status == b.status && a.fields.map(\.0) == b.fields.map(\.0) && a.fields.map(\.1) == b.fields.map(\.1)
    }
}

/// A blob being served: its headers and its bytes.
public struct BlobDownload: Sendable {
    public let headers: BlobResponseHeaders
    public let body: BlobByteStream
}
