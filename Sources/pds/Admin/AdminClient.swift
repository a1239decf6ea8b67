import Config
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The running PDS as `pds admin` reaches it: XRPC over HTTP with HTTP Basic
/// `admin:PDS_ADMIN_PASSWORD`.
struct AdminClient {
    let baseURL: URL
    let adminPassword: String
    let hostname: String

    /// Where the PDS is and its admin password, from `--url`, `--data` and the same
    /// environment and `<data>/secrets.env` the server reads.
    init(url: String?, data: String?) throws {
        var environment = ProcessInfo.processInfo.environment
        if let data { environment["PDS_DATA_DIRECTORY"] = PDSConfigPath.absolute(data) }
        let config = try PDSConfig(environment: environment)
        guard let password = config.storedSecret("PDS_ADMIN_PASSWORD") else {
            throw AdminFailure("no admin password: set PDS_ADMIN_PASSWORD or point --data at the PDS's data directory")
        }
        guard let base = URL(string: url ?? config.publicURL.absoluteString) else { throw AdminFailure("bad --url \(url ?? "")") }
        baseURL = base
        adminPassword = password
        hostname = config.hostname
    }

    /// Calls `nsid`: a GET with `query` when `body` is nil, else a POST of `body` as JSON.
    /// Answers the decoded JSON object; an XRPC error becomes an `AdminFailure` naming it.
    @discardableResult
    func call(_ nsid: String, query: [(String, String)] = [], body: [String: Any]? = nil, admin: Bool = true,
              timeout: TimeInterval = 60) async throws -> [String: Any] {
        var components = URLComponents(url: baseURL.appendingPathComponent("xrpc/\(nsid)"), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        var request = URLRequest(url: components.url!, timeoutInterval: timeout)
        if admin {
            request.setValue("Basic " + Data("admin:\(adminPassword)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        }
        if let body {
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        return try await Self.send(request)
    }

    @discardableResult
    static func send(_ request: URLRequest) async throws -> [String: Any] {
        let (data, response): (Data, URLResponse)
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw AdminFailure("cannot reach \(request.url?.host ?? "the PDS"): \(error.localizedDescription)")
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw AdminFailure("\(status) \(object["error"] as? String ?? "Error"): \(object["message"] as? String ?? String(decoding: data, as: UTF8.self))")
        }
        return object
    }

    /// A random password of 24 characters from an unambiguous alphabet.
    static func generatePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// A failed admin command, printed as its message.
struct AdminFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
