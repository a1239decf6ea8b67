import AsyncHTTPClient
import Foundation
import Identity
import NIOCore
import Synchronization
import Syntax

/// Resolves the DID documents the proxy forwards to: did:plc from the configured PLC
/// directory, did:web from `https://<host>/.well-known/did.json` (`http://` for
/// `did:web:localhost%3A<port>` in development mode, as the reference resolver does).
///
/// Documents are cached: fresh for `staleAfter`, then still answered at once while a
/// background fetch refreshes them, until `maxAge`; past that a fetch is awaited, and if the
/// resolver is down (unreachable, timing out, a 5xx) the old document is used anyway, so an
/// outage of the directory does not take the proxy down with it. A DID the resolver says
/// does not exist (404, 410) is not served from the cache.
final class DIDResolver: Sendable {
    /// Why a document could not be had.
    enum Failure: Error, Sendable, Equatable {
        /// The DID does not exist (or is tombstoned), or its document cannot be read.
        case notFound(String)
        /// The resolver could not be reached or failed.
        case unavailable(String)
    }

    /// Fetches one document; the seam tests replace.
    typealias Fetch = @Sendable (String) async throws(Failure) -> DIDDocument

    private struct Entry { let document: DIDDocument; let fetched: ContinuousClock.Instant }

    let staleAfter: Duration
    let maxAge: Duration
    private let fetch: Fetch
    private let cache = Mutex<[String: Entry]>([:])
    private let refreshing = Mutex<Set<String>>([])
    static let maxEntries = 50_000

    init(staleAfter: Duration = .seconds(3600), maxAge: Duration = .seconds(86_400), fetch: @escaping Fetch) {
        self.staleAfter = staleAfter
        self.maxAge = maxAge
        self.fetch = fetch
    }

    /// The document of `did`, from the cache when it may be.
    func resolve(_ did: String) async throws(Failure) -> DIDDocument {
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[did] }) {
            let age = now - entry.fetched
            if age < staleAfter { return entry.document }
            if age < maxAge {
                refreshInBackground(did)
                return entry.document
            }
            do { return try await fetchAndStore(did) } catch .unavailable { return entry.document }
        }
        return try await fetchAndStore(did)
    }

    /// Forgets a DID (tests; an identity event could call it too).
    func forget(_ did: String) { _ = cache.withLock { $0.removeValue(forKey: did) } }

    private func fetchAndStore(_ did: String) async throws(Failure) -> DIDDocument {
        do {
            let document = try await fetch(did)
            cache.withLock {
                if $0.count >= Self.maxEntries { $0.removeAll(keepingCapacity: true) }
                $0[did] = Entry(document: document, fetched: .now)
            }
            return document
        } catch .notFound(let why) {
            forget(did)
            throw .notFound(why)
        }
    }

    private func refreshInBackground(_ did: String) {
        guard refreshing.withLock({ $0.insert(did).inserted }) else { return }
        Task {
            defer { _ = refreshing.withLock { $0.remove(did) } }
            _ = try? await fetchAndStore(did)
        }
    }
}

extension DIDResolver {
    /// A resolver fetching over `client`, refusing did:web hosts the policy refuses.
    convenience init(client: UpstreamClient, plcDirectory: URL, policy: UpstreamPolicy) {
        self.init { did throws(Failure) in
            let url = try Self.documentURL(did, plcDirectory: plcDirectory, devMode: policy.devMode)
            if did.hasPrefix("did:web:"), let why = await policy.refusal(for: url) {
                throw .notFound("did:web host refused: \(why)")
            }
            return try await Self.fetchDocument(did, url: url, client: client)
        }
    }

    /// Where a DID's document is published.
    static func documentURL(_ did: String, plcDirectory: URL, devMode: Bool) throws(Failure) -> URL {
        if did.hasPrefix("did:plc:") {
            return plcDirectory.appendingPathComponent(did)
        }
        guard did.hasPrefix("did:web:") else { throw .notFound("unsupported DID method (atproto uses did:plc and did:web): \(did)") }
        let encoded = String(did.dropFirst("did:web:".count))
        guard !encoded.contains(":") else { throw .notFound("did:web with a path is not supported by atproto: \(did)") }
        guard let host = encoded.removingPercentEncoding, !host.isEmpty, !host.contains("/") else {
            throw .notFound("invalid did:web host: \(did)")
        }
        let bareHost = host.split(separator: ":").first.map(String.init) ?? host
        let scheme = devMode && bareHost == "localhost" ? "http" : "https"
        guard let url = URL(string: "\(scheme)://\(host)/.well-known/did.json") else { throw .notFound("invalid did:web host: \(did)") }
        return url
    }

    /// GETs a document (at most 64 KiB, within 5 s) and checks it is the DID's own.
    static func fetchDocument(_ did: String, url: URL, client: UpstreamClient) async throws(Failure) -> DIDDocument {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "accept", value: "application/did+ld+json, application/json")
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(5))
            body = try await client.collect(response, limit: 65_536)
        } catch {
            throw .unavailable("DID resolver for \(did) failed: \(error.message)")
        }
        switch response.status.code {
        case 200: break
        case 404, 410: throw .notFound("DID not found: \(did)")
        case 500...: throw .unavailable("DID resolver for \(did) answered \(response.status.code)")
        default: throw .notFound("DID resolver for \(did) answered \(response.status.code)")
        }
        let document: DIDDocument
        do { document = try DIDDocument(json: Array(body.readableBytesView)) } catch {
            throw .notFound("DID document of \(did) is invalid: \(error)")
        }
        guard document.did == did else { throw .notFound("DID document of \(did) names another DID (\(document.did))") }
        return document
    }
}
