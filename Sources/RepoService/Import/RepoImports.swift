import Foundation

/// Imports whose CAR is arriving piece by piece from a gateway (`importRepo`): the bytes
/// of each, until its `finish` or `abort`. An import not finished within `lifetime` (its
/// gateway died mid-body) is dropped at the next start of one.
actor RepoImports {
    private struct Pending {
        let did: String
        let limit: Int
        var bytes: [UInt8] = []
        var nextIndex = 0
        let opened: ContinuousClock.Instant
    }
    private var pending: [String: Pending] = [:]
    static let lifetime = Duration.seconds(600)
    /// Imports open at once; more are refused (each may hold up to its limit in memory).
    static let maxOpen = 4

    func start(did: String, limit: Int) throws -> String {
        let now = ContinuousClock.now
        pending = pending.filter { now - $0.value.opened < Self.lifetime }
        guard pending.count < Self.maxOpen else {
            throw RepoServiceError("RateLimitExceeded", "Too many repo imports at once; try again shortly", status: 429)
        }
        let id = UUID().uuidString
        pending[id] = Pending(did: did, limit: limit, opened: now)
        return id
    }

    /// Appends piece `index` (pieces arrive in order; a repeat of the last one is ignored).
    func append(_ id: String, index: Int, _ data: Data) throws {
        guard var p = pending[id] else { throw RepoServiceError.invalidRequest("No such import \(id) (expired?)") }
        if index == p.nextIndex - 1 { return }
        guard index == p.nextIndex else { throw RepoServiceError.invalidRequest("Import piece \(index) out of order (expected \(p.nextIndex))") }
        guard p.bytes.count + data.count <= p.limit else {
            pending[id] = nil
            throw RepoServiceError("PayloadTooLarge", "The repo is over the import limit of \(p.limit) bytes", status: 413)
        }
        pending[id] = nil // no copy of the buffer while it grows
        p.bytes.append(contentsOf: data)
        p.nextIndex += 1
        pending[id] = p
    }

    /// Hands over (and forgets) an import's DID and bytes.
    func take(_ id: String) throws -> (did: String, bytes: [UInt8]) {
        guard let p = pending.removeValue(forKey: id) else { throw RepoServiceError.invalidRequest("No such import \(id) (expired?)") }
        return (p.did, p.bytes)
    }

    func abort(_ id: String) { pending[id] = nil }
}
