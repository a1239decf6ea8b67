import Foundation

/// Request and response types of the BlobService's methods. Blob bytes travel as `Data`,
/// which the binary IPC codec carries raw, never more than `BlobTypes.maxChunkBytes` per call, so a
/// large blob crosses the process boundary in pieces and never sits whole in one message.
public enum BlobTypes {
    /// The most bytes one `uploadChunk` carries or one `readBlob` returns (1 MiB).
    public static let maxChunkBytes = 1 << 20

    /// A blob as a record's blob ref names it: `ref.$link`, `mimeType`, `size`.
    public struct BlobRef: Codable, Sendable, Equatable {
        public var cid: String
        public var mimeType: String
        public var size: Int64
        public init(cid: String, mimeType: String, size: Int64) { self.cid = cid; self.mimeType = mimeType; self.size = size }
    }

    /// Opens an upload for `did`; `mimeType` is the request's Content-Type, kept only when the
    /// bytes agree with it.
    public struct UploadStartRequest: Codable, Sendable {
        public var did: String
        public var mimeType: String?
        public init(did: String, mimeType: String?) { self.did = did; self.mimeType = mimeType }
    }
    /// The id that names the upload in the calls that follow.
    public struct UploadStartResponse: Codable, Sendable, Equatable {
        public var uploadID: String
        public init(uploadID: String) { self.uploadID = uploadID }
    }
    /// The `index`-th piece of an upload (0, 1, 2, …); a repeated index is ignored, so a
    /// retried call cannot duplicate bytes.
    public struct UploadChunkRequest: Codable, Sendable {
        public var uploadID: String
        public var index: Int
        public var data: Data
        public init(uploadID: String, index: Int, data: Data) { self.uploadID = uploadID; self.index = index; self.data = data }
    }
    /// Names an upload (finish, abort).
    public struct UploadRequest: Codable, Sendable {
        public var uploadID: String
        public init(uploadID: String) { self.uploadID = uploadID }
    }

    /// A blob of an account; with `range` (an HTTP `Range` header value) `blobInfo` also
    /// resolves the bytes to serve.
    public struct BlobInfoRequest: Codable, Sendable {
        public var did: String
        public var cid: String
        public var range: String?
        public init(did: String, cid: String, range: String? = nil) { self.did = did; self.cid = cid; self.range = range }
    }
    /// What `getBlob` answers with before its body: status (200/206), headers, and which bytes.
    public struct BlobInfo: Codable, Sendable, Equatable {
        public var blob: BlobRef
        public var status: Int
        /// Header names and values, in order.
        public var headers: [[String]]
        /// The bytes the answer carries: `length` bytes from `offset`.
        public var offset: Int64
        public var length: Int64
        public init(blob: BlobRef, status: Int, headers: [[String]], offset: Int64, length: Int64) {
            self.blob = blob; self.status = status; self.headers = headers; self.offset = offset; self.length = length
        }
    }
    /// At most `maxChunkBytes` of a blob from `offset`.
    public struct ReadBlobRequest: Codable, Sendable {
        public var did: String
        public var cid: String
        public var offset: Int64
        public var length: Int
        public init(did: String, cid: String, offset: Int64, length: Int) { self.did = did; self.cid = cid; self.offset = offset; self.length = length }
    }
    /// A piece of a blob (raw bytes on the wire, never base64).
    public struct BlobBytes: Codable, Sendable {
        public var data: Data
        public init(data: Data) { self.data = data }
    }

    /// `com.atproto.sync.listBlobs`: a page of the account's referenced blobs, by CID after `cursor`.
    public struct ListBlobsRequest: Codable, Sendable {
        public var did: String
        public var since: String?
        public var cursor: String?
        public var limit: Int
        public init(did: String, since: String?, cursor: String?, limit: Int) { self.did = did; self.since = since; self.cursor = cursor; self.limit = limit }
    }
    /// A page of CIDs and the cursor of the next (nil at the end).
    public struct ListBlobsResponse: Codable, Sendable, Equatable {
        public var cids: [String]
        public var cursor: String?
        public init(cids: [String], cursor: String?) { self.cids = cids; self.cursor = cursor }
    }
    /// `com.atproto.repo.listMissingBlobs`: referenced blobs not uploaded yet, by CID after `cursor`.
    public struct ListMissingBlobsRequest: Codable, Sendable {
        public var did: String
        public var cursor: String?
        public var limit: Int
        public init(did: String, cursor: String?, limit: Int) { self.did = did; self.cursor = cursor; self.limit = limit }
    }
    /// A referenced blob not uploaded yet, and a record referencing it.
    public struct MissingBlob: Codable, Sendable, Equatable {
        public var cid: String
        public var recordUri: String
        public init(cid: String, recordUri: String) { self.cid = cid; self.recordUri = recordUri }
    }
    /// A page of missing blobs and the cursor of the next (nil at the end).
    public struct ListMissingBlobsResponse: Codable, Sendable, Equatable {
        public var blobs: [MissingBlob]
        public var cursor: String?
        public init(blobs: [MissingBlob], cursor: String?) { self.blobs = blobs; self.cursor = cursor }
    }

    /// A record (about to be) written with these blob refs: each must be a stored blob of
    /// `did` whose size and MIME type match the ref; they become referenced by `recordURI`.
    public struct CheckAndReferenceRequest: Codable, Sendable {
        public var did: String
        public var recordURI: String
        public var blobs: [BlobRef]
        /// The repo revision of the commit, when known (`listBlobs` filters on it with `since`).
        public var rev: String?
        public init(did: String, recordURI: String, blobs: [BlobRef], rev: String?) {
            self.did = did; self.recordURI = recordURI; self.blobs = blobs; self.rev = rev
        }
    }
    /// A record was deleted or rewritten: its references go, except those in `keep` (the
    /// rewritten record's own), which are stamped with `rev`.
    public struct ReleaseRequest: Codable, Sendable {
        public var did: String
        public var recordURI: String
        public var keep: [String]
        public var rev: String?
        public init(did: String, recordURI: String, keep: [String] = [], rev: String? = nil) {
            self.did = did; self.recordURI = recordURI; self.keep = keep; self.rev = rev
        }
    }
    /// The blobs a release left unreferenced (they turn temporary).
    public struct ReleaseResponse: Codable, Sendable, Equatable {
        public var released: [String]
        public init(released: [String]) { self.released = released }
    }

    /// What a garbage-collection sweep did.
    public struct SweepResponse: Codable, Sendable, Equatable {
        public var expiredRows: Int
        public var deletedBlobs: Int
        public var freedBytes: Int64
        public var orphansRemoved: Int
        public init(expiredRows: Int, deletedBlobs: Int, freedBytes: Int64, orphansRemoved: Int) {
            self.expiredRows = expiredRows; self.deletedBlobs = deletedBlobs; self.freedBytes = freedBytes; self.orphansRemoved = orphansRemoved
        }
    }

    /// The blobs one record references.
    public struct RecordBlobs: Codable, Sendable, Equatable {
        public var recordURI: String
        public var cids: [String]
        public init(recordURI: String, cids: [String]) { self.recordURI = recordURI; self.cids = cids }
    }
    /// Every record → blob reference of an imported repo.
    public struct ImportReferencesRequest: Codable, Sendable {
        public var did: String
        public var records: [RecordBlobs]
        /// The rev of the imported repo's commit (`listBlobs` filters on it with `since`).
        public var rev: String?
        public init(did: String, records: [RecordBlobs], rev: String?) { self.did = did; self.records = records; self.rev = rev }
    }
    /// Names an account.
    public struct BlobCountsRequest: Codable, Sendable {
        public var did: String
        public init(did: String) { self.did = did }
    }
    /// Referenced blobs of an account, and how many of them are stored.
    public struct BlobCounts: Codable, Sendable, Equatable {
        public var expected: Int
        public var imported: Int
        public init(expected: Int, imported: Int) { self.expected = expected; self.imported = imported }
    }
}
