import Foundation
import Hummingbird
import NIOCore

/// `application/x-www-form-urlencoded` bodies: what OAuth endpoints and HTML forms send.
enum FormBody {
    static let limit = 64 * 1024

    /// The fields of a form body; a repeated field keeps its first value.
    static func read(_ request: Request) async throws(XRPCError) -> [String: String] {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/x-www-form-urlencoded" else {
            throw .invalidRequest("Content-Type must be application/x-www-form-urlencoded")
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: limit) } catch { throw .payloadTooLarge(limit: limit) }
        return parse(String(buffer: body))
    }

    static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            let key = decode(parts[0])
            if fields[key] == nil { fields[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }
}
