import JOSE
import AsyncHTTPClient
import Foundation
import Identity
import NIOCore
import NIOHTTP1
import Synchronization

/// Fetches client metadata documents and JWK sets safely: https only, no redirects, hosts
/// that resolve to loopback or private addresses refused (outside development mode, where
/// plain-http private hosts are allowed so a test client can run beside the server), a
/// 64 KiB body limit, a few seconds at most, answers cached for ten minutes.
public final class ClientMetadataFetcher: Sendable {
    static let sizeLimit = 64 * 1024
    static let cacheLifetime: TimeInterval = 600
    let allowPrivateAddresses: Bool
    let addressLookup: @Sendable (String) -> [String]
    private let client: HTTPClient
    private let cache = Mutex<[String: (metadata: ClientMetadata, until: Date)]>([:])

    public init(allowPrivateAddresses: Bool, addressLookup: @escaping @Sendable (String) -> [String] = AddressPolicy.lookup) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.addressLookup = addressLookup
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                     timeout: .init(connect: .seconds(3), read: .seconds(5)))
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    deinit { try? client.syncShutdown() }

    /// The validated metadata of `clientID` (loopback clients are made, not fetched).
    public func metadata(_ clientID: String) async throws(OAuthError) -> ClientMetadata {
        if ClientMetadata.isLoopbackClientID(clientID) { return try ClientMetadata.loopback(clientID) }
        if let hit = cache.withLock({ $0[clientID] }), hit.until > Date() { return hit.metadata }
        let body = try await fetch(clientID, what: "client metadata")
        let metadata: ClientMetadata
        do { metadata = try JSONDecoder().decode(ClientMetadata.self, from: Data(body)) } catch {
            throw .invalidClientMetadata("client metadata is not a valid document: \(error)")
        }
        try metadata.validate(fetchedFrom: clientID)
        cache.withLock {
            if $0.count > 1000 { $0.removeAll() }
            $0[clientID] = (metadata, Date().addingTimeInterval(Self.cacheLifetime))
        }
        return metadata
    }

    /// A confidential client's keys: inline, or from its `jwks_uri`.
    public func keys(of metadata: ClientMetadata) async throws(OAuthError) -> [JWK] {
        if let jwks = metadata.jwks { return jwks.keys }
        guard let uri = metadata.jwksURI else { return [] }
        let body = try await fetch(uri, what: "client jwks")
        guard let set = try? JSONDecoder().decode(ClientMetadata.JWKSet.self, from: Data(body)) else {
            throw .invalidClientMetadata("jwks_uri does not hold a JWK set")
        }
        return set.keys
    }

    /// Where `url` may be fetched from, or why not.
    func check(_ url: String) async throws(OAuthError) -> URL {
        guard let u = URL(string: url), let c = URLComponents(string: url), let host = c.host, !host.isEmpty,
              c.fragment == nil, c.user == nil, c.password == nil else {
            throw .invalidClientMetadata("client_id must be an https URL")
        }
        let lookup = addressLookup
        // getaddrinfo blocks: keep it off the cooperative pool.
        let addresses = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: lookup(host)) }
        }
        guard !addresses.isEmpty else { throw .invalidClientMetadata("client metadata host \(host) does not resolve") }
        let privateHost = addresses.contains(where: AddressPolicy.isNonPublic)
        if privateHost {
            // Development mode only, over https or plain http (a test client beside the server).
            guard allowPrivateAddresses, c.scheme == "https" || c.scheme == "http" else {
                throw .invalidClientMetadata("client metadata host \(host) is a private or loopback address")
            }
            return u
        }
        guard c.scheme == "https" else { throw .invalidClientMetadata("client_id must be an https URL") }
        return u
    }

    func fetch(_ url: String, what: String) async throws(OAuthError) -> [UInt8] {
        let target = try await check(url)
        var request = HTTPClientRequest(url: target.absoluteString)
        request.headers.add(name: "Accept", value: "application/json")
        do {
            let response = try await client.execute(request, timeout: .seconds(5))
            guard response.status == .ok else {
                throw OAuthError.invalidClientMetadata("\(what) fetch answered \(response.status.code)")
            }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > Self.sizeLimit {
                throw OAuthError.invalidClientMetadata("\(what) is larger than \(Self.sizeLimit) bytes")
            }
            var body: [UInt8] = []
            for try await chunk in response.body {
                body += chunk.readableBytesView
                guard body.count <= Self.sizeLimit else {
                    throw OAuthError.invalidClientMetadata("\(what) is larger than \(Self.sizeLimit) bytes")
                }
            }
            return body
        } catch let error as OAuthError {
            throw error
        } catch {
            throw .invalidClientMetadata("\(what) could not be fetched from \(url): \(error)")
        }
    }
}
