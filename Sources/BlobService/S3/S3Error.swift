import Foundation

/// A request the S3 server refused or answered unexpectedly.
struct S3Error: Error, CustomStringConvertible {
    let operation: String
    let status: Int
    /// The `<Code>` of the server's XML error body (`SignatureDoesNotMatch`, `NoSuchKey`, …).
    let code: String?
    let message: String?

    var description: String { "S3 \(operation) failed: HTTP \(status) \(code ?? "") \(message ?? "")" }

    init(operation: String, status: Int, body: String) {
        self.operation = operation
        self.status = status
        code = S3XML.value(of: "Code", in: body)
        message = S3XML.value(of: "Message", in: body)
    }
}

/// The few values read out of S3's XML answers. Each is a leaf element whose text is all
/// that matters, so a string search is enough; a full XML parser would add nothing.
enum S3XML {
    /// The text of the first `<name>…</name>`, entity-decoded.
    static func value(of name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"),
              let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else { return nil }
        return unescape(String(xml[open.upperBound..<close.lowerBound]))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The CompleteMultipartUpload body listing every part's number and ETag.
    static func completeMultipartUpload(etags: [String]) -> String {
        var s = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (i, etag) in etags.enumerated() {
            s += "<Part><PartNumber>\(i + 1)</PartNumber><ETag>\(escape(etag))</ETag></Part>"
        }
        return s + "</CompleteMultipartUpload>"
    }
}
