/// The BlobService (it stores blobs, tracks which records reference them and collects the
/// rest) as seen over IPC.
///
/// An upload crosses in pieces: `uploadStart`, then `uploadChunk` for each piece in order
/// (each call returns only once the service can take the next, so the service buffers at
/// most a couple of pieces per upload), then `uploadFinish` (or `uploadAbort`). A download is
/// `blobInfo` (headers, which bytes) then `readBlob` calls of at most 1 MiB each.
public protocol BlobServiceAPI: ServiceAPI {
    func uploadStart(_ request: BlobTypes.UploadStartRequest) async throws(IPCError) -> BlobTypes.UploadStartResponse
    func uploadChunk(_ request: BlobTypes.UploadChunkRequest) async throws(IPCError) -> Empty
    func uploadFinish(_ request: BlobTypes.UploadRequest) async throws(IPCError) -> BlobTypes.BlobRef
    func uploadAbort(_ request: BlobTypes.UploadRequest) async throws(IPCError) -> Empty
    func blobInfo(_ request: BlobTypes.BlobInfoRequest) async throws(IPCError) -> BlobTypes.BlobInfo
    func readBlob(_ request: BlobTypes.ReadBlobRequest) async throws(IPCError) -> BlobTypes.BlobBytes
    func listBlobs(_ request: BlobTypes.ListBlobsRequest) async throws(IPCError) -> BlobTypes.ListBlobsResponse
    func listMissingBlobs(_ request: BlobTypes.ListMissingBlobsRequest) async throws(IPCError) -> BlobTypes.ListMissingBlobsResponse
    func checkAndReference(_ request: BlobTypes.CheckAndReferenceRequest) async throws(IPCError) -> Empty
    func release(_ request: BlobTypes.ReleaseRequest) async throws(IPCError) -> BlobTypes.ReleaseResponse
    func sweep(_ request: Empty) async throws(IPCError) -> BlobTypes.SweepResponse
    /// A repo was imported: the account's record → blob references become exactly these
    /// (blobs not uploaded yet are listed by `listMissingBlobs` until they are).
    func importReferences(_ request: BlobTypes.ImportReferencesRequest) async throws(IPCError) -> Empty
    /// Blobs the account's records reference, and how many of them are stored
    /// (`checkAccountStatus`'s expectedBlobs and importedBlobs).
    func blobCounts(_ request: BlobTypes.BlobCountsRequest) async throws(IPCError) -> BlobTypes.BlobCounts
}

/// The wire names and types of the BlobService's own methods.
public enum BlobMethods {
    public static let uploadStart = RPCMethod<BlobTypes.UploadStartRequest, BlobTypes.UploadStartResponse>("uploadStart")
    public static let uploadChunk = RPCMethod<BlobTypes.UploadChunkRequest, Empty>("uploadChunk")
    public static let uploadFinish = RPCMethod<BlobTypes.UploadRequest, BlobTypes.BlobRef>("uploadFinish")
    public static let uploadAbort = RPCMethod<BlobTypes.UploadRequest, Empty>("uploadAbort")
    public static let blobInfo = RPCMethod<BlobTypes.BlobInfoRequest, BlobTypes.BlobInfo>("blobInfo")
    public static let readBlob = RPCMethod<BlobTypes.ReadBlobRequest, BlobTypes.BlobBytes>("readBlob")
    public static let listBlobs = RPCMethod<BlobTypes.ListBlobsRequest, BlobTypes.ListBlobsResponse>("listBlobs")
    public static let listMissingBlobs = RPCMethod<BlobTypes.ListMissingBlobsRequest, BlobTypes.ListMissingBlobsResponse>("listMissingBlobs")
    public static let checkAndReference = RPCMethod<BlobTypes.CheckAndReferenceRequest, Empty>("checkAndReference")
    public static let release = RPCMethod<BlobTypes.ReleaseRequest, BlobTypes.ReleaseResponse>("release")
    public static let sweep = RPCMethod<Empty, BlobTypes.SweepResponse>("sweep")
    public static let importReferences = RPCMethod<BlobTypes.ImportReferencesRequest, Empty>("importReferences")
    public static let blobCounts = RPCMethod<BlobTypes.BlobCountsRequest, BlobTypes.BlobCounts>("blobCounts")
}

extension BlobServiceAPI {
    /// This implementation's methods, ready to serve over a socket or in-process.
    public func rpcHandlers() -> RPCHandlers {
        var h = RPCHandlers()
        registerCommonMethods(into: &h)
        h.register(BlobMethods.uploadStart) { r async throws(IPCError) in try await self.uploadStart(r) }
        h.register(BlobMethods.uploadChunk) { r async throws(IPCError) in try await self.uploadChunk(r) }
        h.register(BlobMethods.uploadFinish) { r async throws(IPCError) in try await self.uploadFinish(r) }
        h.register(BlobMethods.uploadAbort) { r async throws(IPCError) in try await self.uploadAbort(r) }
        h.register(BlobMethods.blobInfo) { r async throws(IPCError) in try await self.blobInfo(r) }
        h.register(BlobMethods.readBlob) { r async throws(IPCError) in try await self.readBlob(r) }
        h.register(BlobMethods.listBlobs) { r async throws(IPCError) in try await self.listBlobs(r) }
        h.register(BlobMethods.listMissingBlobs) { r async throws(IPCError) in try await self.listMissingBlobs(r) }
        h.register(BlobMethods.checkAndReference) { r async throws(IPCError) in try await self.checkAndReference(r) }
        h.register(BlobMethods.release) { r async throws(IPCError) in try await self.release(r) }
        h.register(BlobMethods.sweep) { r async throws(IPCError) in try await self.sweep(r) }
        h.register(BlobMethods.importReferences) { r async throws(IPCError) in try await self.importReferences(r) }
        h.register(BlobMethods.blobCounts) { r async throws(IPCError) in try await self.blobCounts(r) }
        return h
    }
}

/// Calls a BlobService through an `RPCCaller`.
public struct BlobServiceClient: BlobServiceAPI {
    public let caller: any RPCCaller
    /// Deadline of calls that move bytes or wait for storage (a chunk may wait for the
    /// previous one to reach S3; finishing stores the whole blob).
    static let storageTimeout: Duration = .seconds(60)

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ r: PingRequest) async throws(IPCError) -> PingResponse { try await caller.call(CommonMethods.ping, r) }
    public func uploadStart(_ r: BlobTypes.UploadStartRequest) async throws(IPCError) -> BlobTypes.UploadStartResponse {
        try await caller.call(BlobMethods.uploadStart, r)
    }
    public func uploadChunk(_ r: BlobTypes.UploadChunkRequest) async throws(IPCError) -> Empty {
        try await caller.call(BlobMethods.uploadChunk, r, timeout: Self.storageTimeout)
    }
    public func uploadFinish(_ r: BlobTypes.UploadRequest) async throws(IPCError) -> BlobTypes.BlobRef {
        try await caller.call(BlobMethods.uploadFinish, r, timeout: .seconds(300))
    }
    public func uploadAbort(_ r: BlobTypes.UploadRequest) async throws(IPCError) -> Empty { try await caller.call(BlobMethods.uploadAbort, r) }
    public func blobInfo(_ r: BlobTypes.BlobInfoRequest) async throws(IPCError) -> BlobTypes.BlobInfo { try await caller.call(BlobMethods.blobInfo, r) }
    public func readBlob(_ r: BlobTypes.ReadBlobRequest) async throws(IPCError) -> BlobTypes.BlobBytes {
        try await caller.call(BlobMethods.readBlob, r, timeout: Self.storageTimeout)
    }
    public func listBlobs(_ r: BlobTypes.ListBlobsRequest) async throws(IPCError) -> BlobTypes.ListBlobsResponse { try await caller.call(BlobMethods.listBlobs, r) }
    public func listMissingBlobs(_ r: BlobTypes.ListMissingBlobsRequest) async throws(IPCError) -> BlobTypes.ListMissingBlobsResponse {
        try await caller.call(BlobMethods.listMissingBlobs, r)
    }
    public func checkAndReference(_ r: BlobTypes.CheckAndReferenceRequest) async throws(IPCError) -> Empty {
        try await caller.call(BlobMethods.checkAndReference, r)
    }
    public func release(_ r: BlobTypes.ReleaseRequest) async throws(IPCError) -> BlobTypes.ReleaseResponse { try await caller.call(BlobMethods.release, r) }
    public func sweep(_ r: Empty) async throws(IPCError) -> BlobTypes.SweepResponse {
        try await caller.call(BlobMethods.sweep, r, timeout: .seconds(300))
    }
    public func importReferences(_ r: BlobTypes.ImportReferencesRequest) async throws(IPCError) -> Empty {
        // One call for every record of a repo: a large repo takes a while to write.
        try await caller.call(BlobMethods.importReferences, r, timeout: .seconds(120))
    }
    public func blobCounts(_ r: BlobTypes.BlobCountsRequest) async throws(IPCError) -> BlobTypes.BlobCounts {
        try await caller.call(BlobMethods.blobCounts, r)
    }
}
