/// The RepoService's calls that (re)announce or reset a whole repo rather than write records:
/// each ends in a firehose `#sync` event.
public enum RepoResetTypes {
    /// What a rebuild did.
    public struct RebuildResponse: Codable, Sendable, Equatable {
        /// The new head: a commit with no history behind it.
        public var commit: RepoTypes.CommitRef
        /// Records in the rebuilt tree.
        public var records: Int
        /// Blocks dropped (superseded commits, nodes and records).
        public var droppedBlocks: Int
        public init(commit: RepoTypes.CommitRef, records: Int, droppedBlocks: Int) {
            self.commit = commit; self.records = records; self.droppedBlocks = droppedBlocks
        }
    }
}

/// Re-announcing and resetting repos (AuthService on reactivation, the admin `rebuild-repo`).
public protocol RepoResetAPI: ServiceAPI {
    /// Queues a `#sync` of the current head (an account reactivated; as the reference PDS).
    func announceSync(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.CommitRef
    /// Rebuilds the repo from its record index under a new signed commit with no history,
    /// drops every other block and queues a `#sync`.
    func rebuildRepo(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> RepoResetTypes.RebuildResponse
}

/// The wire names and types of the reset methods.
public enum RepoResetMethods {
    public static let announceSync = RPCMethod<RepoTypes.DIDRequest, RepoTypes.CommitRef>("reset.announceSync")
    public static let rebuildRepo = RPCMethod<RepoTypes.DIDRequest, RepoResetTypes.RebuildResponse>("reset.rebuildRepo")
}

extension RepoResetAPI {
    /// Adds the reset methods to a service's handler table (the RepoService's).
    public func registerResetMethods(into h: inout RPCHandlers) {
        h.register(RepoResetMethods.announceSync) { r async throws(IPCError) in try await self.announceSync(r) }
        h.register(RepoResetMethods.rebuildRepo) { r async throws(IPCError) in try await self.rebuildRepo(r) }
    }
}

/// Calls a RepoService's reset methods through an `RPCCaller`.
public struct RepoResetClient: RepoResetAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ r: PingRequest) async throws(IPCError) -> PingResponse { try await caller.call(CommonMethods.ping, r) }
    public func announceSync(_ r: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.CommitRef { try await caller.call(RepoResetMethods.announceSync, r) }
    public func rebuildRepo(_ r: RepoTypes.DIDRequest) async throws(IPCError) -> RepoResetTypes.RebuildResponse {
        // A rebuild rewrites the whole repo: give it far longer than an ordinary call.
        try await caller.call(RepoResetMethods.rebuildRepo, r, timeout: .seconds(300))
    }
}
