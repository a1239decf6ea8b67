import Crypto
import Foundation

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), as S3 and every S3-compatible server verify it.
///
/// Written here rather than taken from an SDK: the algorithm is small, and the blob store and
/// backups need only header signing (no presigned URLs, no chunked-payload signing).
public struct SigV4: Sendable {
    let accessKeyID: String
    let secretAccessKey: String
    let region: String
    let service: String

    public init(accessKeyID: String, secretAccessKey: String, region: String, service: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    /// The hex SHA-256 of an empty payload (GET, HEAD, DELETE).
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// A request as it is signed: the path is already in canonical (URI-encoded) form.
    struct Request {
        var method: String
        var encodedPath: String
        var query: [(String, String)] = []
        /// Headers to sign (must include `host`); names in any case.
        var headers: [(String, String)]
        var payloadHash: String
    }

    /// The canonical request (step 1 of the algorithm).
    static func canonicalRequest(_ r: Request) -> (text: String, signedHeaders: String) {
        let encoded: [(name: String, value: String)] = r.query.map { pair in
            (uriEncode(pair.0, encodeSlash: true), uriEncode(pair.1, encodeSlash: true))
        }
        let sorted = encoded.sorted { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        let query = sorted.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
        let headers = r.headers
            .map { ($0.0.lowercased(), normalizeHeaderValue($0.1)) }
            .sorted { $0.0 < $1.0 }
        let canonicalHeaders = headers.map { "\($0.0):\($0.1)\n" }.joined()
        let signed = headers.map(\.0).joined(separator: ";")
        let text = [r.method, r.encodedPath, query, canonicalHeaders, signed, r.payloadHash].joined(separator: "\n")
        return (text, signed)
    }

    /// The `Authorization` header value for `request` at `date` (whose `x-amz-date` header
    /// must already be among the signed headers).
    func authorization(_ request: Request, date: Date) -> String {
        let (amzDate, day) = Self.timestamps(date)
        let (canonical, signedHeaders) = Self.canonicalRequest(request)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n" + Self.hex(SHA256.hash(data: Data(canonical.utf8)))
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(day: day)))
        return "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope),SignedHeaders=\(signedHeaders),Signature=\(signature)"
    }

    /// Adds `x-amz-date`, `x-amz-content-sha256` and `Authorization` to `headers` and signs.
    public func signedHeaders(method: String, encodedPath: String, query: [(String, String)],
                              headers: [(String, String)], payloadHash: String, date: Date = Date()) -> [(String, String)] {
        var all = headers
        all.append(("x-amz-date", Self.timestamps(date).amzDate))
        all.append(("x-amz-content-sha256", payloadHash))
        let request = Request(method: method, encodedPath: encodedPath, query: query, headers: all, payloadHash: payloadHash)
        all.append(("Authorization", authorization(request, date: date)))
        return all
    }

    private func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` and `YYYYMMDD` in UTC.
    static func timestamps(_ date: Date) -> (amzDate: String, day: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ v: Int?, _ width: Int = 2) -> String {
            let s = String(v ?? 0)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let day = pad(c.year, 4) + pad(c.month) + pad(c.day)
        return (day + "T" + pad(c.hour) + pad(c.minute) + pad(c.second) + "Z", day)
    }

    /// RFC 3986 encoding as SigV4 wants it: everything but `A-Z a-z 0-9 - . _ ~` is `%XX`
    /// (upper-case hex); `/` is kept in paths.
    public static func uriEncode(_ s: String, encodeSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: "/") where !encodeSlash:
                out.append("/")
            default:
                let hex = Array("0123456789ABCDEF")
                out.append("%")
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return out
    }

    /// Trims a header value and collapses runs of spaces, as the canonical form requires.
    static func normalizeHeaderValue(_ v: String) -> String {
        v.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef")
        var s = ""
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 0xF)])
        }
        return s
    }

    public static func hex(_ digest: SHA256.Digest) -> String { hex(Array(digest)) }
    public static func hex(_ mac: HMAC<SHA256>.MAC) -> String { hex(Array(mac)) }
}
