import IPLD
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where blob bytes live, addressed by their CID.
///
/// Content addressing makes every write idempotent (same CID, same bytes), so the store has
/// no notion of owner or permanence: those are rows in `blobs.sqlite`. Writes are atomic —
/// a blob is either wholly visible under its CID or not at all.
public protocol BlobStore: Sendable {
    /// Stores the bytes of `cid`, read from `chunks` (exactly `size` bytes; `sha256` is the
    /// digest of the whole body, which S3 uses to check the upload).
    func put<S: AsyncSequence & Sendable>(_ cid: CID, size: Int64, sha256: [UInt8], chunks: S) async throws
    where S.Element == [UInt8]

    /// Stores a spooled upload, consuming (moving or deleting) the file at `path`.
    func putStaged(_ cid: CID, file: StagedFile) async throws

    /// The bytes of `cid` from `offset`, `length` of them (to the end when nil).
    func read(_ cid: CID, offset: Int64, length: Int64?) async throws -> BlobByteStream

    /// The stored size of `cid`, or nil when it is not stored.
    func size(of cid: CID) async throws -> Int64?

    /// Deletes `cid`; deleting a missing blob is not an error.
    func delete(_ cid: CID) async throws

    /// Whether each `read` is a network request (S3), so a download should keep one open
    /// rather than read piece by piece (see `ReadAheadStreams`).
    var readsAreRequests: Bool { get }
}

extension BlobStore {
    public var readsAreRequests: Bool { false }
}

extension BlobStore {
    /// The default: stream the spooled file in, then delete it.
    public func putStaged(_ cid: CID, file: StagedFile) async throws {
        defer { file.remove() }
        try await put(cid, size: file.size, sha256: file.sha256, chunks: try FileChunks(path: file.path))
    }
}

/// Where an upload was spooled, and what was learnt while spooling it.
public struct StagedFile: Sendable {
    public let path: String
    public let size: Int64
    public let sha256: [UInt8]

    /// Deletes the file; a file that is already gone is fine.
    public func remove() { _ = unlink(path) }
}
