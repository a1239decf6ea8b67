import Foundation

/// Request and response types of `com.atproto.repo.importRepo` between the gateway and
/// the RepoService: the CAR arrives in pieces, then one call verifies and stores it.
public enum RepoImportTypes {
    /// The most bytes one `importChunk` carries (1 MiB, as blob uploads).
    public static let maxChunkBytes = 1 << 20

    /// Opens an import for `did`; `limit` caps the CAR's total size.
    public struct StartRequest: Codable, Sendable {
        public var did: String
        public var limit: Int
        public init(did: String, limit: Int) { self.did = did; self.limit = limit }
    }
    /// Names an open import.
    public struct StartResponse: Codable, Sendable {
        public var importID: String
        public init(importID: String) { self.importID = importID }
    }
    /// The next piece of the CAR.
    public struct ChunkRequest: Codable, Sendable {
        public var importID: String
        public var index: Int
        public var data: Data
        public init(importID: String, index: Int, data: Data) { self.importID = importID; self.index = index; self.data = data }
    }
    /// Ends an import: verify the CAR and store it.
    public struct FinishRequest: Codable, Sendable {
        public var importID: String
        /// did:keys the imported commit may be signed with (the DID document's `#atproto`
        /// key); the account's own key here is always accepted too (a re-import).
        public var signingKeys: [String]
        /// Queue a `#sync` of the new head (the account is active); a deactivated,
        /// migrating account is announced when it is activated instead.
        public var announce: Bool
        public init(importID: String, signingKeys: [String], announce: Bool) {
            self.importID = importID; self.signingKeys = signingKeys; self.announce = announce
        }
    }
    /// Names an import to drop.
    public struct AbortRequest: Codable, Sendable {
        public var importID: String
        public init(importID: String) { self.importID = importID }
    }
    /// What an import stored.
    public struct FinishResponse: Codable, Sendable, Equatable {
        /// The new head, signed with this PDS's key for the account.
        public var commit: RepoTypes.CommitRef
        public var records: Int
        /// The MST nodes and records stored.
        public var blocks: Int
        /// Distinct blobs the records reference.
        public var blobs: Int
        public init(commit: RepoTypes.CommitRef, records: Int, blocks: Int, blobs: Int) {
            self.commit = commit; self.records = records; self.blocks = blocks; self.blobs = blobs
        }
    }
}

/// Repo imports (`importRepo`): served by the RepoService beside its own methods.
public protocol RepoImportAPI: ServiceAPI {
    func importStart(_ request: RepoImportTypes.StartRequest) async throws(IPCError) -> RepoImportTypes.StartResponse
    func importChunk(_ request: RepoImportTypes.ChunkRequest) async throws(IPCError) -> Empty
    func importFinish(_ request: RepoImportTypes.FinishRequest) async throws(IPCError) -> RepoImportTypes.FinishResponse
    func importAbort(_ request: RepoImportTypes.AbortRequest) async throws(IPCError) -> Empty
}

/// The wire names and types of the import methods.
public enum RepoImportMethods {
    public static let start = RPCMethod<RepoImportTypes.StartRequest, RepoImportTypes.StartResponse>("import.start")
    public static let chunk = RPCMethod<RepoImportTypes.ChunkRequest, Empty>("import.chunk")
    public static let finish = RPCMethod<RepoImportTypes.FinishRequest, RepoImportTypes.FinishResponse>("import.finish")
    public static let abort = RPCMethod<RepoImportTypes.AbortRequest, Empty>("import.abort")
}

extension RepoImportAPI {
    /// Adds the import methods to a service's handler table (the RepoService's).
    public func registerImportMethods(into h: inout RPCHandlers) {
        h.register(RepoImportMethods.start) { r async throws(IPCError) in try await self.importStart(r) }
        h.register(RepoImportMethods.chunk) { r async throws(IPCError) in try await self.importChunk(r) }
        h.register(RepoImportMethods.finish) { r async throws(IPCError) in try await self.importFinish(r) }
        h.register(RepoImportMethods.abort) { r async throws(IPCError) in try await self.importAbort(r) }
    }
}

/// Calls a RepoService's import methods through an `RPCCaller`.
public struct RepoImportClient: RepoImportAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ r: PingRequest) async throws(IPCError) -> PingResponse { try await caller.call(CommonMethods.ping, r) }
    public func importStart(_ r: RepoImportTypes.StartRequest) async throws(IPCError) -> RepoImportTypes.StartResponse {
        try await caller.call(RepoImportMethods.start, r)
    }
    public func importChunk(_ r: RepoImportTypes.ChunkRequest) async throws(IPCError) -> Empty { try await caller.call(RepoImportMethods.chunk, r) }
    public func importFinish(_ r: RepoImportTypes.FinishRequest) async throws(IPCError) -> RepoImportTypes.FinishResponse {
        // Verifying and storing a large repo takes seconds: far longer than an ordinary call.
        try await caller.call(RepoImportMethods.finish, r, timeout: .seconds(300))
    }
    public func importAbort(_ r: RepoImportTypes.AbortRequest) async throws(IPCError) -> Empty { try await caller.call(RepoImportMethods.abort, r) }
}
