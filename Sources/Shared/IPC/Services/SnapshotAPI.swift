import Foundation

/// Types of the `snapshot` method every service that owns files answers: BackupService asks
/// each one to copy its own files consistently, since only the owner may open them.
public enum SnapshotTypes {
    /// The input of a `snapshot` call.
    public struct Request: Codable, Sendable {
        /// Where to write the copies, mirroring their paths under the data directory.
        public var directory: String
        /// A content-addressed pool for blob bytes (copied only when absent).
        public var blobPool: String?
        /// Pool entries (SHA-256 hex) the target already holds elsewhere (an S3 target's
        /// pool is remote, so the local `blobPool` starts empty): not copied again.
        public var knownBlobs: [String]?
        public init(directory: String, blobPool: String?, knownBlobs: [String]? = nil) {
            self.directory = directory; self.blobPool = blobPool; self.knownBlobs = knownBlobs
        }
    }
    /// One file of a snapshot.
    public struct File: Codable, Sendable, Equatable {
        /// Path relative to the data directory.
        public var path: String
        public var size: Int64
        public var sha256: String
        /// `sqlite`, `key` or `blob`.
        public var kind: String
        /// For blobs: the pool entry holding the bytes.
        public var pooled: String?
        public init(path: String, size: Int64, sha256: String, kind: String, pooled: String? = nil) {
            self.path = path; self.size = size; self.sha256 = sha256; self.kind = kind; self.pooled = pooled
        }
    }
    /// The answer to a `snapshot` call.
    public struct Response: Codable, Sendable {
        public var files: [File]
        /// Figures at snapshot time (accounts, records, blobs, events), for drills to compare.
        public var counts: [String: Int]
        public init(files: [File], counts: [String: Int]) { self.files = files; self.counts = counts }
    }
}

/// The snapshot method of a file-owning service.
public protocol SnapshotAPI: ServiceAPI {
    func snapshot(_ request: SnapshotTypes.Request) async throws(IPCError) -> SnapshotTypes.Response
}

/// The wire name of `snapshot`.
public enum SnapshotMethods {
    public static let snapshot = RPCMethod<SnapshotTypes.Request, SnapshotTypes.Response>("snapshot")
}

extension SnapshotAPI {
    /// Adds `snapshot` to a service's handlers.
    public func registerSnapshot(into handlers: inout RPCHandlers) {
        handlers.register(SnapshotMethods.snapshot) { r async throws(IPCError) in try await self.snapshot(r) }
    }
}

/// Calls `snapshot` on any service.
public struct SnapshotClient: SnapshotAPI {
    public let caller: any RPCCaller
    public init(caller: any RPCCaller) { self.caller = caller }
    public func ping(_ r: PingRequest) async throws(IPCError) -> PingResponse { try await caller.call(CommonMethods.ping, r) }
    public func snapshot(_ r: SnapshotTypes.Request) async throws(IPCError) -> SnapshotTypes.Response {
        // Copying a large store takes time.
        try await caller.call(SnapshotMethods.snapshot, r, timeout: .seconds(3600))
    }
}
