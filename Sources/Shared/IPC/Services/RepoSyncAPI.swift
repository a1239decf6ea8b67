import Foundation

/// Request and response types of the RepoService's `com.atproto.sync` reads.
public enum RepoSyncTypes {
    /// `getRepo`: the whole repo, or with `since` only the blocks written after that rev.
    public struct GetRepoRequest: Codable, Sendable {
        public var did: String
        public var since: String?
        public init(did: String, since: String?) { self.did = did; self.since = since }
    }
    /// A `getRepo` export started by `getRepoStart`, read with `getRepoChunk`.
    public struct ExportStream: Codable, Sendable {
        public var stream: String
        public init(stream: String) { self.stream = stream }
    }
    /// The next piece of an export's CAR; `done` on the last (which may be empty).
    public struct ExportChunk: Codable, Sendable {
        public var data: Data
        public var done: Bool
        public init(data: Data, done: Bool) { self.data = data; self.done = done }
    }
    /// `getRecord`: the commit, the MST path proving the record, and the record.
    public struct GetRecordRequest: Codable, Sendable {
        public var did: String
        public var collection: String
        public var rkey: String
        public init(did: String, collection: String, rkey: String) { self.did = did; self.collection = collection; self.rkey = rkey }
    }
    /// `getBlocks`: the named blocks of one repo.
    public struct GetBlocksRequest: Codable, Sendable {
        public var did: String
        public var cids: [String]
        public init(did: String, cids: [String]) { self.did = did; self.cids = cids }
    }
    /// `listRepos`: a page of hosted repos in DID order; `cursor` is the last DID of the previous page.
    public struct ListReposRequest: Codable, Sendable {
        public var limit: Int
        public var cursor: String?
        public init(limit: Int, cursor: String?) { self.limit = limit; self.cursor = cursor }
    }
    /// One hosted repo: its DID and head commit.
    public struct RepoHead: Codable, Sendable, Equatable {
        public var did: String
        public var head: String
        public var rev: String
        public init(did: String, head: String, rev: String) { self.did = did; self.head = head; self.rev = rev }
    }
    /// A page of `listRepos`; `cursor` is set when more may follow.
    public struct ListReposResponse: Codable, Sendable {
        public var repos: [RepoHead]
        public var cursor: String?
        public init(repos: [RepoHead], cursor: String?) { self.repos = repos; self.cursor = cursor }
    }
}

/// The RepoService's sync reads (what relays crawl), as seen over IPC. Kept apart from
/// `RepoServiceAPI` so the sync surface can grow without touching the write API.
public protocol RepoSyncAPI: ServiceAPI {
    func syncGetRepo(_ request: RepoSyncTypes.GetRepoRequest) async throws(IPCError) -> RepoTypes.CARResponse
    /// Starts streaming `getRepo`'s CAR; read it with `syncGetRepoChunk` until `done`.
    func syncGetRepoStart(_ request: RepoSyncTypes.GetRepoRequest) async throws(IPCError) -> RepoSyncTypes.ExportStream
    /// The next piece (up to 1 MiB) of a streamed `getRepo`; throws the export's error.
    func syncGetRepoChunk(_ request: RepoSyncTypes.ExportStream) async throws(IPCError) -> RepoSyncTypes.ExportChunk
    /// Stops a streamed `getRepo` early (the client went away).
    func syncGetRepoCancel(_ request: RepoSyncTypes.ExportStream) async throws(IPCError) -> Empty
    func syncGetRecord(_ request: RepoSyncTypes.GetRecordRequest) async throws(IPCError) -> RepoTypes.CARResponse
    func syncGetBlocks(_ request: RepoSyncTypes.GetBlocksRequest) async throws(IPCError) -> RepoTypes.CARResponse
    func syncListRepos(_ request: RepoSyncTypes.ListReposRequest) async throws(IPCError) -> RepoSyncTypes.ListReposResponse
}

/// The wire names and types of the sync methods.
public enum RepoSyncMethods {
    public static let getRepo = RPCMethod<RepoSyncTypes.GetRepoRequest, RepoTypes.CARResponse>("sync.getRepo")
    public static let getRepoStart = RPCMethod<RepoSyncTypes.GetRepoRequest, RepoSyncTypes.ExportStream>("sync.getRepoStart")
    public static let getRepoChunk = RPCMethod<RepoSyncTypes.ExportStream, RepoSyncTypes.ExportChunk>("sync.getRepoChunk")
    public static let getRepoCancel = RPCMethod<RepoSyncTypes.ExportStream, Empty>("sync.getRepoCancel")
    public static let getRecord = RPCMethod<RepoSyncTypes.GetRecordRequest, RepoTypes.CARResponse>("sync.getRecord")
    public static let getBlocks = RPCMethod<RepoSyncTypes.GetBlocksRequest, RepoTypes.CARResponse>("sync.getBlocks")
    public static let listRepos = RPCMethod<RepoSyncTypes.ListReposRequest, RepoSyncTypes.ListReposResponse>("sync.listRepos")
}

extension RepoSyncAPI {
    /// Adds the sync methods to a service's handler table (the RepoService's `rpcHandlers()`).
    public func registerSyncMethods(into h: inout RPCHandlers) {
        h.register(RepoSyncMethods.getRepo) { r async throws(IPCError) in try await self.syncGetRepo(r) }
        h.register(RepoSyncMethods.getRepoStart) { r async throws(IPCError) in try await self.syncGetRepoStart(r) }
        h.register(RepoSyncMethods.getRepoChunk) { r async throws(IPCError) in try await self.syncGetRepoChunk(r) }
        h.register(RepoSyncMethods.getRepoCancel) { r async throws(IPCError) in try await self.syncGetRepoCancel(r) }
        h.register(RepoSyncMethods.getRecord) { r async throws(IPCError) in try await self.syncGetRecord(r) }
        h.register(RepoSyncMethods.getBlocks) { r async throws(IPCError) in try await self.syncGetBlocks(r) }
        h.register(RepoSyncMethods.listRepos) { r async throws(IPCError) in try await self.syncListRepos(r) }
    }
}

/// Calls a RepoService's sync methods through an `RPCCaller`.
public struct RepoSyncClient: RepoSyncAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ r: PingRequest) async throws(IPCError) -> PingResponse { try await caller.call(CommonMethods.ping, r) }
    public func syncGetRepo(_ r: RepoSyncTypes.GetRepoRequest) async throws(IPCError) -> RepoTypes.CARResponse { try await caller.call(RepoSyncMethods.getRepo, r) }
    public func syncGetRepoStart(_ r: RepoSyncTypes.GetRepoRequest) async throws(IPCError) -> RepoSyncTypes.ExportStream { try await caller.call(RepoSyncMethods.getRepoStart, r) }
    public func syncGetRepoChunk(_ r: RepoSyncTypes.ExportStream) async throws(IPCError) -> RepoSyncTypes.ExportChunk { try await caller.call(RepoSyncMethods.getRepoChunk, r) }
    public func syncGetRepoCancel(_ r: RepoSyncTypes.ExportStream) async throws(IPCError) -> Empty { try await caller.call(RepoSyncMethods.getRepoCancel, r) }
    public func syncGetRecord(_ r: RepoSyncTypes.GetRecordRequest) async throws(IPCError) -> RepoTypes.CARResponse { try await caller.call(RepoSyncMethods.getRecord, r) }
    public func syncGetBlocks(_ r: RepoSyncTypes.GetBlocksRequest) async throws(IPCError) -> RepoTypes.CARResponse { try await caller.call(RepoSyncMethods.getBlocks, r) }
    public func syncListRepos(_ r: RepoSyncTypes.ListReposRequest) async throws(IPCError) -> RepoSyncTypes.ListReposResponse { try await caller.call(RepoSyncMethods.listRepos, r) }
}
