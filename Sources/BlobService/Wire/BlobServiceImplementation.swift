import Config
import Foundation
import IPC
import IPLD

/// The BlobService's implementation of its IPC protocol, over a `BlobService`.
public struct BlobServiceImplementation: BlobServiceAPI {
    let identity = ProcessIdentity(service: .blob, version: PDSConfig.softwareVersion)
    public let service: BlobService
    let uploads: UploadSessions
    /// Downloads from S3 kept open between `readBlob` calls.
    let readAhead = ReadAheadStreams()

    /// Serves `service`; an upload no call touches for `abandonAfter` is aborted by `reapUploads`.
    public init(service: BlobService, abandonAfter: Duration = .seconds(60)) {
        self.service = service
        uploads = UploadSessions(service: service, abandonAfter: abandonAfter)
    }

    /// How many uploads are in progress (for tests and health figures).
    public var uploadsInProgress: Int { uploads.count }

    /// Aborts abandoned uploads every `interval` until the task is cancelled.
    public func reapUploads(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await reapUploads()
        }
    }

    /// Aborts abandoned uploads now; returns how many.
    @discardableResult
    public func reapUploads(now: ContinuousClock.Instant = .now) async -> Int {
        readAhead.reap(now: now)
        return await uploads.reap(now: now)
    }

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping(request, databases: [service.config.databasePath]) }

    /// Runs `body`, turning `BlobError`s into the XRPC errors they name.
    func serve<T: Sendable>(_ body: () async throws -> T) async throws(IPCError) -> T {
        do { return try await body() } catch let e as IPCError { throw e } catch let e as BlobError {
            throw IPCError.remote(name: e.xrpcError, message: e.message)
        } catch is CancellationError {
            throw IPCError.cancelled
        } catch {
            throw IPCError.remote(name: "InternalServerError", message: "\(error)")
        }
    }

    public func uploadStart(_ r: BlobTypes.UploadStartRequest) async throws(IPCError) -> BlobTypes.UploadStartResponse {
        try await serve { BlobTypes.UploadStartResponse(uploadID: try uploads.start(did: r.did, mimeType: r.mimeType)) }
    }

    public func uploadChunk(_ r: BlobTypes.UploadChunkRequest) async throws(IPCError) -> Empty {
        try await serve {
            guard r.data.count <= BlobTypes.maxChunkBytes else {
                throw BlobError.invalidRequest("upload chunk larger than \(BlobTypes.maxChunkBytes) bytes")
            }
            try await uploads.chunk(id: r.uploadID, index: r.index, bytes: [UInt8](r.data))
            return Empty()
        }
    }

    public func uploadFinish(_ r: BlobTypes.UploadRequest) async throws(IPCError) -> BlobTypes.BlobRef {
        try await serve {
            let ref = try await uploads.finish(id: r.uploadID)
            return BlobTypes.BlobRef(cid: ref.ref.string, mimeType: ref.mimeType, size: ref.size)
        }
    }

    public func uploadAbort(_ r: BlobTypes.UploadRequest) async throws(IPCError) -> Empty {
        await uploads.abort(id: r.uploadID)
        return Empty()
    }

    public func blobInfo(_ r: BlobTypes.BlobInfoRequest) async throws(IPCError) -> BlobTypes.BlobInfo {
        try await serve {
            let cid = try BlobService.parseCID(r.cid)
            let record = try await service.blob(did: r.did, cid: cid)
            let range = try r.range.flatMap(ByteRange.parse(header:)).map { (q) throws(BlobError) in try ByteRange.resolve(q, size: record.size) }
            let headers = BlobResponseHeaders(cid: cid.string, mimeType: record.mimeType, size: record.size, range: range)
            return BlobTypes.BlobInfo(blob: .init(cid: cid.string, mimeType: record.mimeType, size: record.size),
                                      status: headers.status, headers: headers.fields.map { [$0.0, $0.1] },
                                      offset: range?.offset ?? 0, length: range?.length ?? record.size)
        }
    }

    public func readBlob(_ r: BlobTypes.ReadBlobRequest) async throws(IPCError) -> BlobTypes.BlobBytes {
        try await serve {
            let cid = try BlobService.parseCID(r.cid)
            let length = min(max(r.length, 0), BlobTypes.maxChunkBytes)
            guard length > 0, r.offset >= 0 else { return BlobTypes.BlobBytes(data: Data()) }
            let service = self.service
            if service.store.readsAreRequests {
                // One GET per download, continued across calls, rather than one per piece.
                let data = try await readAhead.read(did: r.did, cid: r.cid, offset: r.offset, length: length) { offset in
                    let download = try await service.read(did: r.did, cid: cid, range: .from(offset, through: nil))
                    return (download.body, download.headers.size)
                }
                return BlobTypes.BlobBytes(data: data)
            }
            let download = try await service.read(did: r.did, cid: cid, range: .from(r.offset, through: r.offset + Int64(length) - 1))
            var data = Data(capacity: length)
            for try await chunk in download.body { data.append(contentsOf: chunk) }
            return BlobTypes.BlobBytes(data: data)
        }
    }

    public func listBlobs(_ r: BlobTypes.ListBlobsRequest) async throws(IPCError) -> BlobTypes.ListBlobsResponse {
        try await serve {
            let page = try await service.listBlobs(did: r.did, since: r.since, cursor: r.cursor, limit: r.limit)
            return BlobTypes.ListBlobsResponse(cids: page.cids.map(\.string), cursor: page.cursor)
        }
    }

    public func listMissingBlobs(_ r: BlobTypes.ListMissingBlobsRequest) async throws(IPCError) -> BlobTypes.ListMissingBlobsResponse {
        try await serve {
            let page = try await service.listMissingBlobs(did: r.did, cursor: r.cursor, limit: r.limit)
            return BlobTypes.ListMissingBlobsResponse(blobs: page.blobs.map { .init(cid: $0.cid.string, recordUri: $0.recordURI) }, cursor: page.cursor)
        }
    }

    public func checkAndReference(_ r: BlobTypes.CheckAndReferenceRequest) async throws(IPCError) -> Empty {
        try await serve {
            let blobs = try r.blobs.map { DeclaredBlob(cid: try BlobService.parseCID($0.cid), mimeType: $0.mimeType, size: $0.size) }
            try await service.checkAndReference(did: r.did, recordURI: r.recordURI, blobs: blobs, repoRev: r.rev)
            return Empty()
        }
    }

    public func release(_ r: BlobTypes.ReleaseRequest) async throws(IPCError) -> BlobTypes.ReleaseResponse {
        try await serve {
            let keep = try r.keep.map { try BlobService.parseCID($0) }
            let released = try await service.releaseReferences(did: r.did, recordURI: r.recordURI, keeping: keep, repoRev: r.rev)
            return BlobTypes.ReleaseResponse(released: released.map(\.string))
        }
    }

    public func importReferences(_ r: BlobTypes.ImportReferencesRequest) async throws(IPCError) -> Empty {
        try await serve {
            try BlobService.checkDID(r.did)
            let records = try r.records.map { record in
                (uri: record.recordURI, cids: try record.cids.map { try BlobService.parseCID($0).string })
            }
            try await service.index.replaceReferences(did: r.did, records: records, repoRev: r.rev, at: Date())
            return Empty()
        }
    }

    public func blobCounts(_ r: BlobTypes.BlobCountsRequest) async throws(IPCError) -> BlobTypes.BlobCounts {
        try await serve {
            let counts = try await service.index.referenceCounts(did: r.did)
            return BlobTypes.BlobCounts(expected: counts.expected, imported: counts.imported)
        }
    }

    public func sweep(_ r: Empty) async throws(IPCError) -> BlobTypes.SweepResponse {
        try await serve {
            let report = try await service.sweep()
            return BlobTypes.SweepResponse(expiredRows: report.expiredRows, deletedBlobs: report.deletedBlobs,
                                           freedBytes: report.freedBytes, orphansRemoved: report.orphansRemoved)
        }
    }
}
