import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Why an outbound request was not made or not accepted.
public enum OutboundHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host resolves to a loopback, private, link-local or multicast address, or the
    /// scheme is not allowed.
    case refused(String)
    /// No answer within the deadline, or no connection.
    case unreachable(String)
    /// The body is larger than the caller accepts.
    case tooLarge(Int)

    public var description: String {
        switch self {
        case .refused(let why): "refused: \(why)"
        case .unreachable(let why): "unreachable: \(why)"
        case .tooLarge(let limit): "answer larger than \(limit) bytes"
        }
    }
}

/// The outbound HTTP client for hosts that users name (a did:web's host, a handle's domain)
/// and for the relays an operator lists: every host's addresses are checked with
/// `AddressPolicy` before the request (unless private addresses are allowed: development, or
/// a host the operator configured), redirects are never followed (a redirect could point
/// anywhere, including at the machine itself), and each request has a deadline and a body
/// limit. The body limit is checked on `Content-Length` before the body is kept and on the
/// body itself, and the whole exchange is bounded in time.
public struct OutboundHTTP: Sendable {
    public let allowPrivateAddresses: Bool
    public let addressLookup: @Sendable (String) -> [String]

    public init(allowPrivateAddresses: Bool, addressLookup: @escaping @Sendable (String) -> [String] = AddressPolicy.lookup) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.addressLookup = addressLookup
    }

    /// One request; the status and body of the answer (a 3xx is an answer, not followed).
    public func send(_ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil,
                     timeout: TimeInterval, maxBytes: Int) async throws(OutboundHTTPError) -> (status: Int, body: Data) {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else {
            throw .refused("\(url.absoluteString) is not an http(s) URL")
        }
        let name = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let addresses = addressLookup(name)
        guard !addresses.isEmpty else { throw .unreachable("\(name) does not resolve") }
        if !allowPrivateAddresses, addresses.contains(where: AddressPolicy.isNonPublic) {
            throw .refused("\(name) resolves to a loopback, private or otherwise non-public address")
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        for (field, value) in headers { request.setValue(value, forHTTPHeaderField: field) }
        request.httpBody = body
        let (data, response): (Data, URLResponse)
        do { (data, response) = try await Self.session.data(for: request) } catch {
            throw .unreachable("\(url.absoluteString): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else { throw .unreachable("\(url.absoluteString): not an HTTP answer") }
        if let length = http.value(forHTTPHeaderField: "Content-Length").flatMap(Int.init), length > maxBytes { throw .tooLarge(maxBytes) }
        guard data.count <= maxBytes else { throw .tooLarge(maxBytes) }
        return (http.statusCode, data)
    }

    /// GET `url`.
    public func get(_ url: URL, headers: [String: String] = [:], timeout: TimeInterval, maxBytes: Int) async throws(OutboundHTTPError) -> (status: Int, body: Data) {
        try await send("GET", url, headers: headers, timeout: timeout, maxBytes: maxBytes)
    }

    /// Refuses every redirect: the 3xx itself is handed back as the answer.
    final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForResource = 15
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()
}
