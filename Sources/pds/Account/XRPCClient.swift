import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A user's XRPC client of one PDS, for `pds account migrate`: JSON calls and raw bytes
/// (CARs, blobs), with the session's access token once signed in. Only standard
/// `com.atproto.*` methods are called, so the other side may be any PDS.
struct XRPCClient: Sendable {
    let baseURL: URL
    var accessToken: String?

    init(_ url: String) throws {
        guard let base = URL(string: url.hasSuffix("/") ? String(url.dropLast()) : url), base.scheme?.hasPrefix("http") == true else {
            throw AdminFailure("not an http(s) URL: \(url)")
        }
        baseURL = base
    }

    /// An XRPC error answer, keeping its name for the flow's decisions.
    struct Failure: Error, CustomStringConvertible {
        let status: Int
        let error: String
        let message: String
        var description: String { "\(status) \(error): \(message)" }
    }

    private func url(_ nsid: String, _ query: [(String, String)]) -> URL {
        var components = URLComponents(url: baseURL.appendingPathComponent("xrpc/\(nsid)"), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return components.url!
    }

    /// GET `nsid` with `query`, or POST `body` as JSON; the decoded JSON object answered.
    @discardableResult
    func call(_ nsid: String, query: [(String, String)] = [], body: [String: Any]? = nil, bearer: String? = nil,
              timeout: TimeInterval = 60) async throws -> [String: Any] {
        var request = URLRequest(url: url(nsid, query), timeoutInterval: timeout)
        if let token = bearer ?? accessToken { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let data = try await send(request)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// GET `nsid` answering raw bytes (a CAR, a blob).
    func bytes(_ nsid: String, query: [(String, String)], timeout: TimeInterval = 600) async throws -> Data {
        var request = URLRequest(url: url(nsid, query), timeoutInterval: timeout)
        if let token = accessToken { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return try await send(request)
    }

    /// POST raw bytes of `contentType` to `nsid`.
    @discardableResult
    func upload(_ nsid: String, _ body: Data, contentType: String, timeout: TimeInterval = 600) async throws -> [String: Any] {
        var request = URLRequest(url: url(nsid, []), timeoutInterval: timeout)
        request.httpMethod = "POST"
        if let token = accessToken { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let data = try await send(request)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    private func send(_ request: URLRequest) async throws -> Data {
        let (data, response): (Data, URLResponse)
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw AdminFailure("cannot reach \(baseURL.absoluteString): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            throw Failure(status: status, error: object["error"] as? String ?? "Error",
                          message: object["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self))
        }
        return data
    }
}
