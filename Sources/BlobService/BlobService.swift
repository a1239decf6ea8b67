import Foundation
import IPLD
import S3
import Syntax

/// The BlobService: uploads, serving, references and garbage collection of blobs, over
/// `blobs.sqlite` and a `BlobStore` (disk or S3). The gateway and IPC layer call this API;
/// every error it throws for a client's mistake is a `BlobError` carrying the XRPC name and
/// HTTP status to answer with.
///
/// Whether `did` is hosted here and whether the caller may act for it are the caller's
/// checks (AuthService owns accounts); this service checks only that it is a DID.
public final class BlobService: Sendable {
    public let config: BlobServiceConfig
    public let store: any BlobStore
    let index: BlobIndex
    let spool: UploadSpool
    let locks = CIDLocks()

    /// Opens the service with the store the configuration names.
    public convenience init(config: BlobServiceConfig) throws {
        let store: any BlobStore
        switch config.storage {
        case let .disk(directory): store = try DiskBlobStore(root: directory)
        case let .s3(s3): store = S3BlobStore(config: s3)
        }
        try self.init(config: config, store: store)
    }

    /// Opens the service over `store`, removing uploads a crash left half-spooled.
    public init(config: BlobServiceConfig, store: any BlobStore) throws {
        self.config = config
        self.store = store
        index = try BlobIndex(path: config.databasePath, disableWALAutoCheckpoint: config.disableWALAutoCheckpoint)
        spool = try UploadSpool(directory: config.stagingDirectory, limit: config.uploadLimit)
        spool.removeLeftovers()
    }

    // MARK: Input checks

    /// Parses a `cid` parameter: it must be a CIDv1, sha2-256, codec raw or dag-cbor.
    public static func parseCID(_ string: String) throws(BlobError) -> CID {
        let cid: CID
        do { cid = try CID(string: string) } catch { throw .invalidRequest("Invalid CID: \(string)") }
        guard cid.isATProtoBlessed else { throw .invalidRequest("CID must be a CIDv1 (sha2-256, raw or dag-cbor): \(string)") }
        return cid
    }

    static func checkDID(_ did: String) throws(BlobError) {
        guard DID.isValid(did) else { throw .invalidRequest("Invalid DID: \(did)") }
    }

    // MARK: Upload and serve

    /// `com.atproto.repo.uploadBlob`: spools `chunks` (refusing an empty body and stopping
    /// the moment `uploadLimit` is passed), sniffs the type, stores the bytes once per CID and
    /// records the blob as temporary for `did`. An error leaves nothing behind.
    public func upload<S: AsyncSequence>(did: String, declaredMimeType: String?, chunks: S, now: Date = Date()) async throws -> BlobRef
    where S.Element == [UInt8] {
        try Self.checkDID(did)
        let spooled = try await spool.spool(chunks)
        defer { spooled.file.remove() }
        let cid = CID(sha256Digest: spooled.file.sha256, codec: .raw)
        let mimeType = MIMESniffer.resolve(declared: declaredMimeType, head: spooled.head)
        let size = spooled.file.size
        if let quota = config.accountQuota, try await index.record(did: did, cid: cid.string) == nil,
           try await index.usage(did: did).bytes + size > quota {
            throw BlobError.quotaExceeded(quota: quota)
        }
        let record = try await locks.withLock(cid.string) {
            if try await self.store.size(of: cid) != size {
                try await self.index.beginPut(cid: cid.string, at: now)
                try await self.storage { try await self.store.putStaged(cid, file: spooled.file) }
            }
            return try await self.index.commitUpload(did: did, cid: cid.string, mimeType: mimeType, size: size,
                                                     at: now, quota: self.config.accountQuota)
        }
        return BlobRef(ref: cid, mimeType: record.mimeType, size: record.size)
    }

    /// A blob's record for the account; `BlobNotFound` when it has none or it is taken down.
    public func blob(did: String, cid: CID) async throws -> BlobRecord {
        guard let record = try await index.record(did: did, cid: cid.string), record.takedownRef == nil else {
            throw BlobError.blobNotFound(cid.string)
        }
        return record
    }

    /// `com.atproto.sync.getBlob`: headers and bytes, the whole blob or one range of it.
    public func read(did: String, cid: CID, range: ByteRange.Request? = nil) async throws -> BlobDownload {
        let record = try await blob(did: did, cid: cid)
        let resolved = try range.map { (r) throws(BlobError) in try ByteRange.resolve(r, size: record.size) }
        let body = try await storage {
            try await self.store.read(cid, offset: resolved?.offset ?? 0, length: resolved?.length)
        }
        return BlobDownload(headers: BlobResponseHeaders(cid: cid.string, mimeType: record.mimeType, size: record.size, range: resolved),
                            body: body)
    }

    /// `com.atproto.sync.listBlobs`: a page of CIDs and the cursor for the next (nil at the end).
    public func listBlobs(did: String, since: String? = nil, cursor: String? = nil, limit: Int = 500) async throws -> (cids: [CID], cursor: String?) {
        let limit = max(1, min(limit, 1000))
        let page = try await index.listBlobs(did: did, since: since, cursor: cursor, limit: limit)
        return (try page.map { try CID(string: $0) }, page.count == limit ? page.last : nil)
    }

    // MARK: References

    /// Of the referenced `cids`, those the account has not uploaded (checked before a write).
    public func missingBlobs(did: String, cids: [CID]) async throws -> [CID] {
        let missing = Set(try await index.missing(did: did, cids: cids.map(\.string)))
        return cids.filter { missing.contains($0.string) }
    }

    /// `com.atproto.repo.listMissingBlobs`: referenced blobs not uploaded yet, with a record
    /// referencing each, and the next cursor.
    public func listMissingBlobs(did: String, cursor: String? = nil, limit: Int = 500) async throws
        -> (blobs: [(cid: CID, recordURI: String)], cursor: String?) {
        let limit = max(1, min(limit, 1000))
        let page = try await index.listMissing(did: did, cursor: cursor, limit: limit)
        return (try page.map { (try CID(string: $0.cid), $0.recordURI) }, page.count == limit ? page.last?.cid : nil)
    }

    /// A record now references `cids`: they become permanent. With `requireStored` (normal
    /// writes) each must be an uploaded, not taken-down blob of the account, or `BlobNotFound`
    /// and nothing changes; a repo import passes false and uploads the blobs afterwards.
    public func markReferenced(did: String, recordURI: String, cids: [CID], repoRev: String? = nil, requireStored: Bool = true) async throws {
        try await index.markReferenced(did: did, recordURI: recordURI, cids: cids.map(\.string), repoRev: repoRev, requireStored: requireStored)
    }

    /// A record was deleted (or rewritten): its references go. Blobs nothing references any
    /// more turn temporary, collectable one TTL from `now`; they are returned.
    @discardableResult
    public func releaseReferences(did: String, recordURI: String, now: Date = Date()) async throws -> [CID] {
        try await index.releaseReferences(did: did, recordURI: recordURI, at: now).map { try CID(string: $0) }
    }

    /// The records referencing a blob of the account.
    public func references(did: String, cid: CID) async throws -> [String] {
        try await index.references(did: did, cid: cid.string)
    }

    // MARK: Moderation and accounts

    /// Takes a blob down (`ref` names the moderation action) or restores it (`ref` nil).
    public func takedown(did: String, cid: CID, ref: String?) async throws {
        guard try await index.setTakedown(did: did, cid: cid.string, ref: ref) else { throw BlobError.blobNotFound(cid.string) }
    }

    /// The account's storage totals.
    public func usage(did: String) async throws -> AccountUsage { try await index.usage(did: did) }

    /// Forgets an account's blobs, deleting bytes no other account holds.
    public func deleteAccount(did: String) async throws {
        for cid in try await index.deleteAccount(did: did) {
            _ = try await locks.withLock(cid) {
                if try await !self.index.isHeld(cid: cid) { try await self.store.delete(try CID(string: cid)) }
            }
        }
    }

    /// Runs a store call, turning its failures into `BlobError`s the gateway can answer with.
    func storage<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as BlobError {
            throw e
        } catch let e as CancellationError {
            throw e
        } catch {
            throw BlobError.storageUnavailable("\(error)")
        }
    }
}
