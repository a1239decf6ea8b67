import Foundation

/// Request and response types of the RepoService's methods. Records travel as atproto JSON
/// text, parsed and checked by RepoService; CAR files as bytes.
public enum RepoTypes {
    /// A new account's signing key, made before the DID exists (its genesis operation names it).
    public struct ReserveKeyRequest: Codable, Sendable {
        public var algorithm: String
        /// The DID the key is for (an account migrating here): asking again for the same DID
        /// answers the same key, as the reference PDS's `reserveSigningKey`.
        public var did: String?
        public init(algorithm: String = "ES256K", did: String? = nil) { self.algorithm = algorithm; self.did = did }
    }
    /// The answer to a reserve key call.
    public struct ReserveKeyResponse: Codable, Sendable { public var signingKey: String
        public init(signingKey: String) { self.signingKey = signingKey } }

    /// Creates an account's repo with a reserved key; repeating it for the same DID and key is harmless.
    public struct CreateRepoRequest: Codable, Sendable {
        public var did: String
        public var signingKey: String
        /// False for an account migrating here: its empty repo is not announced on the firehose
        /// (the account starts deactivated; activation announces it). nil means true.
        public var announce: Bool?
        public init(did: String, signingKey: String, announce: Bool? = nil) { self.did = did; self.signingKey = signingKey; self.announce = announce }
    }
    /// The commit a repo is at.
    public struct CommitRef: Codable, Sendable, Equatable {
        public var cid: String
        public var rev: String
        public init(cid: String, rev: String) { self.cid = cid; self.rev = rev }
    }

    /// Names one account (the input of the per-account calls).
    public struct DIDRequest: Codable, Sendable { public var did: String
        public init(did: String) { self.did = did } }

    /// One write of `applyWrites` (createRecord/putRecord/deleteRecord are one-write batches).
    public struct Write: Codable, Sendable, Equatable {
        public var action: String
        public var collection: String
        public var rkey: String?
        public var recordJSON: String?
        /// putRecord/deleteRecord `swapRecord`: nil = no check; "" = must not exist.
        public var swapRecord: String?
        public init(action: String, collection: String, rkey: String? = nil, recordJSON: String? = nil, swapRecord: String? = nil) {
            self.action = action; self.collection = collection; self.rkey = rkey; self.recordJSON = recordJSON; self.swapRecord = swapRecord
        }
    }
    /// The input of an apply writes call.
    public struct ApplyWritesRequest: Codable, Sendable {
        public var did: String
        public var writes: [Write]
        public var validate: Bool?
        public var swapCommit: String?
        public init(did: String, writes: [Write], validate: Bool?, swapCommit: String?) {
            self.did = did; self.writes = writes; self.validate = validate; self.swapCommit = swapCommit
        }
    }
    /// A write result as it travels over IPC.
    public struct WriteResult: Codable, Sendable, Equatable {
        public var uri: String
        public var cid: String?
        public var validationStatus: String?
        public init(uri: String, cid: String?, validationStatus: String?) { self.uri = uri; self.cid = cid; self.validationStatus = validationStatus }
    }
    /// The answer to an apply writes call.
    public struct ApplyWritesResponse: Codable, Sendable {
        public var commit: CommitRef
        public var results: [WriteResult]
        public init(commit: CommitRef, results: [WriteResult]) { self.commit = commit; self.results = results }
    }

    /// The input of a get record call.
    public struct GetRecordRequest: Codable, Sendable {
        public var did: String
        public var collection: String
        public var rkey: String
        public var cid: String?
        public init(did: String, collection: String, rkey: String, cid: String?) { self.did = did; self.collection = collection; self.rkey = rkey; self.cid = cid }
    }
    /// A record as it travels over IPC.
    public struct Record: Codable, Sendable, Equatable {
        public var uri: String
        public var cid: String
        /// The record as atproto JSON.
        public var valueJSON: String
        public init(uri: String, cid: String, valueJSON: String) { self.uri = uri; self.cid = cid; self.valueJSON = valueJSON }
    }
    /// The input of a list records call.
    public struct ListRecordsRequest: Codable, Sendable {
        public var did: String
        public var collection: String
        public var limit: Int
        public var cursor: String?
        public var reverse: Bool
        public init(did: String, collection: String, limit: Int, cursor: String?, reverse: Bool) {
            self.did = did; self.collection = collection; self.limit = limit; self.cursor = cursor; self.reverse = reverse
        }
    }
    /// The answer to a list records call.
    public struct ListRecordsResponse: Codable, Sendable {
        public var records: [Record]
        public var cursor: String?
        public init(records: [Record], cursor: String?) { self.records = records; self.cursor = cursor }
    }
    /// The answer to a describe repo call.
    public struct DescribeRepoResponse: Codable, Sendable {
        public var collections: [String]
        public var signingKey: String
        public var head: CommitRef
        public var recordCount: Int
        public var blockCount: Int
        public init(collections: [String], signingKey: String, head: CommitRef, recordCount: Int, blockCount: Int) {
            self.collections = collections; self.signingKey = signingKey; self.head = head
            self.recordCount = recordCount; self.blockCount = blockCount
        }
    }
    /// The answer to a preferences call.
    public struct PreferencesResponse: Codable, Sendable {
        /// Each preference object as JSON text.
        public var preferences: [String]
        public init(preferences: [String]) { self.preferences = preferences }
    }
    /// The input of a put preferences call.
    public struct PutPreferencesRequest: Codable, Sendable {
        public var did: String
        public var preferences: [String]
        public init(did: String, preferences: [String]) { self.did = did; self.preferences = preferences }
    }
    /// The input of a service auth call.
    public struct ServiceAuthRequest: Codable, Sendable {
        public var did: String
        public var aud: String
        public var lxm: String?
        public var exp: Int
        /// How many tokens (each with its own `jti`), 1 when nil, at most 16.
        public var count: Int?
        public init(did: String, aud: String, lxm: String?, exp: Int, count: Int? = nil) {
            self.did = did; self.aud = aud; self.lxm = lxm; self.exp = exp; self.count = count
        }
    }
    /// The input of a records-since call: the first `limit` records `did` wrote after `rev`.
    public struct RecordsSinceRequest: Codable, Sendable {
        public var did: String
        public var rev: String
        public var limit: Int
        public init(did: String, rev: String, limit: Int) { self.did = did; self.rev = rev; self.limit = limit }
    }
    /// A record with the time this PDS indexed it.
    public struct IndexedRecord: Codable, Sendable, Equatable {
        public var uri: String
        public var cid: String
        public var valueJSON: String
        public var indexedAt: String
        public init(uri: String, cid: String, valueJSON: String, indexedAt: String) {
            self.uri = uri; self.cid = cid; self.valueJSON = valueJSON; self.indexedAt = indexedAt
        }
    }
    /// The answer to a records-since call: the records, oldest first (empty when the rev is
    /// older than every record here, as after a migration: nothing to say about it).
    public struct RecordsSinceResponse: Codable, Sendable {
        public var records: [IndexedRecord]
        public init(records: [IndexedRecord]) { self.records = records }
    }
    /// The answer to a token call: the token, and the repo's current rev (read-after-write
    /// compares it with the AppView's; nil for a call that does not need it).
    public struct TokenResponse: Codable, Sendable {
        public var token: String
        public var rev: String?
        /// The tokens after the first when more than one was asked for.
        public var more: [String]?
        public init(token: String, rev: String? = nil, more: [String]? = nil) { self.token = token; self.rev = rev; self.more = more }
    }
    /// The input of an export call.
    public struct ExportRequest: Codable, Sendable {
        public var did: String
        public init(did: String) { self.did = did }
    }
    /// The answer to a car call.
    public struct CARResponse: Codable, Sendable { public var car: Data
        public init(car: Data) { self.car = car } }
}
