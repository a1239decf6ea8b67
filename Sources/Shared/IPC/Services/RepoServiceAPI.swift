/// The RepoService (it writes records and serves repositories) as seen over IPC.
public protocol RepoServiceAPI: ServiceAPI {
    func reserveSigningKey(_ request: RepoTypes.ReserveKeyRequest) async throws(IPCError) -> RepoTypes.ReserveKeyResponse
    func createRepo(_ request: RepoTypes.CreateRepoRequest) async throws(IPCError) -> RepoTypes.CommitRef
    func deleteRepo(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> Empty
    func applyWrites(_ request: RepoTypes.ApplyWritesRequest) async throws(IPCError) -> RepoTypes.ApplyWritesResponse
    func getRecord(_ request: RepoTypes.GetRecordRequest) async throws(IPCError) -> RepoTypes.Record
    func listRecords(_ request: RepoTypes.ListRecordsRequest) async throws(IPCError) -> RepoTypes.ListRecordsResponse
    func describeRepo(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.DescribeRepoResponse
    func getPreferences(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.PreferencesResponse
    func putPreferences(_ request: RepoTypes.PutPreferencesRequest) async throws(IPCError) -> Empty
    func signServiceAuth(_ request: RepoTypes.ServiceAuthRequest) async throws(IPCError) -> RepoTypes.TokenResponse
    func exportRepo(_ request: RepoTypes.ExportRequest) async throws(IPCError) -> RepoTypes.CARResponse
    func latestCommit(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.CommitRef
    /// The records an account wrote after a rev (the proxy's read-after-write).
    func recordsSince(_ request: RepoTypes.RecordsSinceRequest) async throws(IPCError) -> RepoTypes.RecordsSinceResponse
}

/// The wire names and types of the RepoService's own methods.
public enum RepoMethods {
    public static let reserveSigningKey = RPCMethod<RepoTypes.ReserveKeyRequest, RepoTypes.ReserveKeyResponse>("reserveSigningKey")
    public static let createRepo = RPCMethod<RepoTypes.CreateRepoRequest, RepoTypes.CommitRef>("createRepo")
    public static let deleteRepo = RPCMethod<RepoTypes.DIDRequest, Empty>("deleteRepo")
    public static let applyWrites = RPCMethod<RepoTypes.ApplyWritesRequest, RepoTypes.ApplyWritesResponse>("applyWrites")
    public static let getRecord = RPCMethod<RepoTypes.GetRecordRequest, RepoTypes.Record>("getRecord")
    public static let listRecords = RPCMethod<RepoTypes.ListRecordsRequest, RepoTypes.ListRecordsResponse>("listRecords")
    public static let describeRepo = RPCMethod<RepoTypes.DIDRequest, RepoTypes.DescribeRepoResponse>("describeRepo")
    public static let getPreferences = RPCMethod<RepoTypes.DIDRequest, RepoTypes.PreferencesResponse>("getPreferences")
    public static let putPreferences = RPCMethod<RepoTypes.PutPreferencesRequest, Empty>("putPreferences")
    public static let signServiceAuth = RPCMethod<RepoTypes.ServiceAuthRequest, RepoTypes.TokenResponse>("signServiceAuth")
    public static let exportRepo = RPCMethod<RepoTypes.ExportRequest, RepoTypes.CARResponse>("exportRepo")
    public static let latestCommit = RPCMethod<RepoTypes.DIDRequest, RepoTypes.CommitRef>("latestCommit")
    public static let recordsSince = RPCMethod<RepoTypes.RecordsSinceRequest, RepoTypes.RecordsSinceResponse>("recordsSince")
}

extension RepoServiceAPI {
    /// This implementation's methods, ready to serve over a socket or in-process.
    public func rpcHandlers() -> RPCHandlers {
        var h = RPCHandlers()
        registerCommonMethods(into: &h)
        h.register(RepoMethods.reserveSigningKey) { r async throws(IPCError) in try await self.reserveSigningKey(r) }
        h.register(RepoMethods.createRepo) { r async throws(IPCError) in try await self.createRepo(r) }
        h.register(RepoMethods.deleteRepo) { r async throws(IPCError) in try await self.deleteRepo(r) }
        h.register(RepoMethods.applyWrites) { r async throws(IPCError) in try await self.applyWrites(r) }
        h.register(RepoMethods.getRecord) { r async throws(IPCError) in try await self.getRecord(r) }
        h.register(RepoMethods.listRecords) { r async throws(IPCError) in try await self.listRecords(r) }
        h.register(RepoMethods.describeRepo) { r async throws(IPCError) in try await self.describeRepo(r) }
        h.register(RepoMethods.getPreferences) { r async throws(IPCError) in try await self.getPreferences(r) }
        h.register(RepoMethods.putPreferences) { r async throws(IPCError) in try await self.putPreferences(r) }
        h.register(RepoMethods.signServiceAuth) { r async throws(IPCError) in try await self.signServiceAuth(r) }
        h.register(RepoMethods.exportRepo) { r async throws(IPCError) in try await self.exportRepo(r) }
        h.register(RepoMethods.latestCommit) { r async throws(IPCError) in try await self.latestCommit(r) }
        h.register(RepoMethods.recordsSince) { r async throws(IPCError) in try await self.recordsSince(r) }
        return h
    }
}

/// Calls a RepoService through an `RPCCaller`.
public struct RepoServiceClient: RepoServiceAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ r: PingRequest) async throws(IPCError) -> PingResponse { try await caller.call(CommonMethods.ping, r) }
    public func reserveSigningKey(_ r: RepoTypes.ReserveKeyRequest) async throws(IPCError) -> RepoTypes.ReserveKeyResponse { try await caller.call(RepoMethods.reserveSigningKey, r) }
    public func createRepo(_ r: RepoTypes.CreateRepoRequest) async throws(IPCError) -> RepoTypes.CommitRef { try await caller.call(RepoMethods.createRepo, r) }
    public func deleteRepo(_ r: RepoTypes.DIDRequest) async throws(IPCError) -> Empty { try await caller.call(RepoMethods.deleteRepo, r) }
    public func applyWrites(_ r: RepoTypes.ApplyWritesRequest) async throws(IPCError) -> RepoTypes.ApplyWritesResponse { try await caller.call(RepoMethods.applyWrites, r) }
    public func getRecord(_ r: RepoTypes.GetRecordRequest) async throws(IPCError) -> RepoTypes.Record { try await caller.call(RepoMethods.getRecord, r) }
    public func listRecords(_ r: RepoTypes.ListRecordsRequest) async throws(IPCError) -> RepoTypes.ListRecordsResponse { try await caller.call(RepoMethods.listRecords, r) }
    public func describeRepo(_ r: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.DescribeRepoResponse { try await caller.call(RepoMethods.describeRepo, r) }
    public func getPreferences(_ r: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.PreferencesResponse { try await caller.call(RepoMethods.getPreferences, r) }
    public func putPreferences(_ r: RepoTypes.PutPreferencesRequest) async throws(IPCError) -> Empty { try await caller.call(RepoMethods.putPreferences, r) }
    public func signServiceAuth(_ r: RepoTypes.ServiceAuthRequest) async throws(IPCError) -> RepoTypes.TokenResponse { try await caller.call(RepoMethods.signServiceAuth, r) }
    public func exportRepo(_ r: RepoTypes.ExportRequest) async throws(IPCError) -> RepoTypes.CARResponse { try await caller.call(RepoMethods.exportRepo, r) }
    public func latestCommit(_ r: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.CommitRef { try await caller.call(RepoMethods.latestCommit, r) }
    public func recordsSince(_ r: RepoTypes.RecordsSinceRequest) async throws(IPCError) -> RepoTypes.RecordsSinceResponse { try await caller.call(RepoMethods.recordsSince, r) }
}
