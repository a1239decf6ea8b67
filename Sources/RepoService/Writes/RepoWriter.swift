import ATCrypto
import IPLD
import Repo
import Syntax

/// The result of one write, as createRecord/putRecord/applyWrites report it.
public struct WriteResult: Codable, Sendable, Equatable {
    public var uri: String
    /// Absent for deletes.
    public var cid: String?
    public var validationStatus: ValidationStatus?
}

/// The commit a batch of writes made.
public struct WriteCommit: Codable, Sendable, Equatable {
    public var cid: String
    public var rev: String
}

/// Applies XRPC-level writes to accounts' repos: parsing, data-model and Lexicon checks,
/// swaps, then one atomic commit per call.
public struct RepoWriter: Sendable {
    public let stores: ActorStorePool
    public let validator: RecordValidator
    public let clock: TIDClock
    /// Blob references of records, kept in BlobService; nil skips them (tests, tools).
    public let blobs: BlobReferences?

    public init(stores: ActorStorePool, validator: @escaping RecordValidator, clock: TIDClock = .shared, blobs: BlobReferences? = nil) {
        self.stores = stores
        self.validator = validator
        self.clock = clock
        self.blobs = blobs
    }

    /// Applies `requests` to `did`'s repo as one commit; `swapCommit` must match the head.
    public func apply(did: String, _ requests: [WriteRequest], validate: Bool? = nil,
                      swapCommit: String? = nil) async throws -> (commit: WriteCommit, results: [WriteResult]) {
        let prepared = try WritePreparation.prepare(requests, mode: ValidationMode(validate), validator: validator, clock: clock)
        let swap: CID? = try swapCommit.map { (s: String) throws -> CID in
            do { return try CID(string: s) } catch { throw RepoServiceError.invalidRequest("Invalid swapCommit CID: \(s)") }
        }
        var swapRecords: [String: CID?] = [:]
        for p in prepared { if let s = p.swapRecord { swapRecords[p.uriPath] = s } }
        let (store, key) = try await stores.store(for: did)
        let blobPlan = try await blobs?.prepare(did: did, writes: prepared.map(\.write), store: store)
        let result: CommitResult
        do {
            result = try await store.applyWrites(prepared.map(\.write), swapCommit: swap, swapRecords: swapRecords, key: key, clock: clock)
        } catch {
            if let blobPlan { await blobs?.undo(blobPlan) }
            throw RepoServiceError.from(error)
        }
        if let blobPlan { await blobs?.settle(blobPlan, rev: result.commit.rev) }
        let cids = Dictionary(result.ops.compactMap { op in op.new.map { (op.path, $0) } }, uniquingKeysWith: { a, _ in a })
        let results = prepared.map { p in
            WriteResult(uri: "at://\(did)/\(p.uriPath)", cid: cids[p.uriPath]?.string ?? recordCID(p), validationStatus: p.validationStatus)
        }
        return (WriteCommit(cid: result.commitCID.string, rev: result.commit.rev), results)
    }

    /// The CID of a written record whose value did not change (no op in the diff).
    private func recordCID(_ p: PreparedWrite) -> String? {
        switch p.write {
        case .create(_, let r), .update(_, let r): return CID.compute(.dagCBOR, of: DAGCBOR.encode(r)).string
        case .delete: return nil
        }
    }
}
