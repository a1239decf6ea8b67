import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A finished HTTP exchange, or why there was none.
struct HTTPResult {
    var status: Int
    var body: Data
    var elapsed: Duration

    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    var errorName: String? { json?["error"] as? String }
}

/// Minimal HTTP for the tests: one request with a hard timeout; a refused connection is nil.
enum HTTP {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 8
        return URLSession(configuration: configuration)
    }()

    static func get(_ url: String) async -> HTTPResult? {
        await send(URLRequest(url: URL(string: url)!))
    }

    static func post(_ url: String, contentType: String? = "application/json", body: Data) async -> HTTPResult? {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.httpBody = body
        return await send(request)
    }

    static func send(_ request: URLRequest) async -> HTTPResult? {
        let started = ContinuousClock.now
        guard let (data, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        return HTTPResult(status: http.statusCode, body: data, elapsed: ContinuousClock.now - started)
    }

    /// Polls `check` until it holds or `timeout` passes; returns whether it held.
    static func eventually(within timeout: Duration, every interval: Duration = .milliseconds(100),
                           _ check: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await check() { return true }
            try? await Task.sleep(for: interval)
        }
        return await check()
    }
}
