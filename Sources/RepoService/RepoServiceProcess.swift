import ATCrypto
import Config
import Foundation
import IPC
import IPLD
import Lexicon
import Logging
import Repo
import Storage
import Syntax

/// The RepoService: every account's repo, behind its IPC methods.
public struct RepoServiceImplementation: RepoServiceAPI {
    let identity = ProcessIdentity(service: .repo, version: PDSConfig.softwareVersion)
    public let stores: ActorStorePool
    public let writer: RepoWriter
    let relay: OutboxRelay?
    let clock = TIDClock.shared
    /// `getRepo` exports being streamed to the gateway.
    let exports = RepoExports()
    /// `importRepo` CARs being received from the gateway.
    let imports = RepoImports()

    public init(stores: ActorStorePool, validator: @escaping RecordValidator, relay: OutboxRelay?, blobs: (any BlobServiceAPI)? = nil) {
        self.stores = stores
        writer = RepoWriter(stores: stores, validator: validator, blobs: blobs.map(BlobReferences.init))
        self.relay = relay
    }

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping(request, databases: [stores.layout.root.path]) }

    /// Runs `body`, turning service errors into the XRPC errors they name.
    func serve<T: Sendable>(_ body: () async throws -> T) async throws(IPCError) -> T {
        do { return try await body() } catch let e as IPCError { throw e } catch {
            let e = RepoServiceError.from(error)
            throw IPCError.remote(name: e.xrpcError, message: e.message)
        }
    }

    public func reserveSigningKey(_ request: RepoTypes.ReserveKeyRequest) async throws(IPCError) -> RepoTypes.ReserveKeyResponse {
        try await serve {
            guard let algorithm = KeyAlgorithm(rawValue: request.algorithm) else {
                throw RepoServiceError.invalidRequest("unsupported key algorithm \(request.algorithm)")
            }
            if let did = request.did {
                do { _ = try DID(did) } catch { throw RepoServiceError.invalidRequest("invalid did \(did)") }
                return RepoTypes.ReserveKeyResponse(signingKey: try await stores.reserveKey(algorithm: algorithm, for: did).didKey)
            }
            return RepoTypes.ReserveKeyResponse(signingKey: try await stores.reserveKey(algorithm: algorithm).didKey)
        }
    }

    public func createRepo(_ request: RepoTypes.CreateRepoRequest) async throws(IPCError) -> RepoTypes.CommitRef {
        try await serve {
            // Repeating a create (a retried account creation) returns the existing head.
            if let existing = try? await stores.store(for: request.did), existing.key.didKey == request.signingKey,
               let head = try existing.store.head() {
                return RepoTypes.CommitRef(cid: head.cid.string, rev: head.rev)
            }
            guard let key = try await stores.reservedKey(request.signingKey) else {
                throw RepoServiceError.invalidRequest("no reserved signing key \(request.signingKey)")
            }
            let store = try await stores.create(did: request.did, key: key)
            let result = try await store.createRepo(key: key, rev: clock.next().string, announce: request.announce ?? true)
            await stores.releaseReservation(request.signingKey)
            await relay?.notify(request.did)
            return RepoTypes.CommitRef(cid: result.commitCID.string, rev: result.commit.rev)
        }
    }

    public func deleteRepo(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> Empty {
        try await serve {
            try await stores.delete(did: request.did)
            return Empty()
        }
    }

    public func applyWrites(_ request: RepoTypes.ApplyWritesRequest) async throws(IPCError) -> RepoTypes.ApplyWritesResponse {
        try await serve {
            let writes = try request.writes.map { w -> WriteRequest in
                guard let action = WriteRequest.Action(rawValue: w.action) else {
                    throw RepoServiceError.invalidRequest("unknown write action \(w.action)")
                }
                let swap: String?? = w.swapRecord.map { s -> String? in s.isEmpty ? nil : s }
                return WriteRequest(action: action, collection: w.collection, rkey: w.rkey, recordJSON: w.recordJSON, swapRecord: swap)
            }
            let (commit, results) = try await writer.apply(did: request.did, writes, validate: request.validate, swapCommit: request.swapCommit)
            await relay?.notify(request.did)
            return RepoTypes.ApplyWritesResponse(commit: .init(cid: commit.cid, rev: commit.rev),
                                                 results: results.map { .init(uri: $0.uri, cid: $0.cid, validationStatus: $0.validationStatus?.rawValue) })
        }
    }

    public func getRecord(_ request: RepoTypes.GetRecordRequest) async throws(IPCError) -> RepoTypes.Record {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            let cid = try request.cid.map { (s: String) throws -> CID in
                do { return try CID(string: s) } catch { throw RepoServiceError.invalidRequest("invalid cid \(s)") }
            }
            guard let record = try await store.record(collection: request.collection, rkey: request.rkey, cid: cid) else {
                throw RepoServiceError.recordNotFound("Could not locate record: at://\(request.did)/\(request.collection)/\(request.rkey)")
            }
            return RepoTypes.Record(uri: record.uri, cid: record.cid.string, valueJSON: DataModelJSON.string(try record.value()))
        }
    }

    public func listRecords(_ request: RepoTypes.ListRecordsRequest) async throws(IPCError) -> RepoTypes.ListRecordsResponse {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            let limit = max(1, min(request.limit, 100))
            let records = try await store.listRecords(collection: request.collection, limit: limit, cursor: request.cursor, reverse: request.reverse)
            let out = try records.map { RepoTypes.Record(uri: $0.uri, cid: $0.cid.string, valueJSON: DataModelJSON.string(try $0.value())) }
            let cursor = records.count == limit ? records.last.map { String($0.uri.split(separator: "/").last!) } : nil
            return RepoTypes.ListRecordsResponse(records: out, cursor: cursor)
        }
    }

    public func describeRepo(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.DescribeRepoResponse {
        try await serve {
            let (store, key) = try await stores.store(for: request.did)
            guard let head = try store.head() else { throw RepoServiceError.repoNotFound(request.did) }
            return RepoTypes.DescribeRepoResponse(collections: try await store.collections(), signingKey: key.didKey,
                                                  head: .init(cid: head.cid.string, rev: head.rev),
                                                  recordCount: try await store.recordCount(), blockCount: try await store.blockCount())
        }
    }

    public func getPreferences(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.PreferencesResponse {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            return RepoTypes.PreferencesResponse(preferences: try await store.preferences())
        }
    }

    public func putPreferences(_ request: RepoTypes.PutPreferencesRequest) async throws(IPCError) -> Empty {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            var prefs = [(type: String, json: String)]()
            for json in request.preferences {
                let value: DataValue
                do { value = try DataModelJSON.parse(json) } catch { throw RepoServiceError.invalidRequest("invalid preference: \(error)") }
                guard case .string(let type)? = value["$type"], !type.isEmpty else {
                    throw RepoServiceError.invalidRequest("Preference is missing a $type")
                }
                guard type.hasPrefix("app.bsky.actor.defs#") else {
                    throw RepoServiceError.invalidRequest("Some preferences are not in the app.bsky namespace")
                }
                prefs.append((type, json))
            }
            try await store.putPreferences(prefs)
            return Empty()
        }
    }

    public func signServiceAuth(_ request: RepoTypes.ServiceAuthRequest) async throws(IPCError) -> RepoTypes.TokenResponse {
        try await serve {
            let (store, key) = try await stores.store(for: request.did)
            let now = Int(Date().timeIntervalSince1970)
            let tokens = try (0..<max(1, min(request.count ?? 1, 16))).map { _ in
                let claims = ServiceJWT.Claims(iss: request.did, aud: request.aud, exp: request.exp, iat: now, lxm: request.lxm, jti: ServiceJWT.newJTI())
                return try ServiceJWT.sign(claims, with: key)
            }
            return RepoTypes.TokenResponse(token: tokens[0], rev: try await store.currentHead()?.rev,
                                           more: tokens.count > 1 ? Array(tokens.dropFirst()) : nil)
        }
    }

    public func exportRepo(_ request: RepoTypes.ExportRequest) async throws(IPCError) -> RepoTypes.CARResponse {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            let collector = CARCollector()
            try await store.exportCAR { collector.append($0) }
            return RepoTypes.CARResponse(car: collector.data)
        }
    }

    public func recordsSince(_ request: RepoTypes.RecordsSinceRequest) async throws(IPCError) -> RepoTypes.RecordsSinceResponse {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            let found = try await store.records(since: request.rev, limit: request.limit)
            return RepoTypes.RecordsSinceResponse(records: try found.map {
                RepoTypes.IndexedRecord(uri: $0.record.uri, cid: $0.record.cid.string,
                                        valueJSON: DataModelJSON.string(try $0.record.value()), indexedAt: $0.indexedAt)
            })
        }
    }

    public func latestCommit(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.CommitRef {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            guard let head = try await store.currentHead() else { throw RepoServiceError.repoNotFound(request.did) }
            return RepoTypes.CommitRef(cid: head.cid.string, rev: head.rev)
        }
    }
}

/// Gathers CAR chunks from the export's sink.
final class CARCollector: Sendable {
    private let storage = Mutex(Data())
    func append(_ chunk: [UInt8]) { storage.withLock { $0.append(contentsOf: chunk) } }
    var data: Data { storage.withLock { $0 } }
}

import Synchronization

/// Starts the RepoService process's sockets.
public enum RepoServiceProcess {
    /// Binds the service's endpoint from `config` and serves its methods until stopped.
    public static func start(config: PDSConfig) async throws(IPCError) -> ServiceHost {
        let stores = ActorStorePool(dataDirectory: URL(fileURLWithPath: config.dataDirectory),
                                    options: SQLiteOptions(disableWALAutoCheckpoint: config.sqliteDisableWALAutoCheckpoint),
                                    cacheMB: config.repoCacheMB)
        await stores.removeStaleReservations()
        var catalog = LexiconCatalog.builtIn
        if let dir = ProcessInfo.processInfo.environment["PDS_LEXICON_DIR"], !dir.isEmpty {
            do { _ = try catalog.load(directory: URL(fileURLWithPath: dir)) } catch {
                throw IPCError.remote(name: "InternalServerError", message: "PDS_LEXICON_DIR: \(error.message)")
            }
        }
        let firehose = FirehoseServiceClient(caller: try await RPCClient(endpoint: config.ipc.firehose, defaultTimeout: config.ipcTimeout))
        let relay = OutboxRelay(stores: stores, firehose: firehose)
        await relay.notifyAll()
        let blobs = BlobServiceClient(caller: try await RPCClient(endpoint: config.ipc.blob, defaultTimeout: config.ipcTimeout))
        let service = RepoServiceImplementation(stores: stores, validator: catalog.recordValidator, relay: relay, blobs: blobs)
        var handlers = service.rpcHandlers()
        service.registerSnapshot(into: &handlers)
        service.registerSyncMethods(into: &handlers)
        service.registerResetMethods(into: &handlers)
        service.registerImportMethods(into: &handlers)
        return try await ServiceHost.serve(.repo, at: config.ipc.repo, handlers: handlers)
    }
}
