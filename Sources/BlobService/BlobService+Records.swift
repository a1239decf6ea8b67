import Foundation
import IPLD

/// A blob ref as a record states it: what a write claims about a blob it embeds.
public struct DeclaredBlob: Sendable, Equatable {
    public let cid: CID
    public let mimeType: String
    public let size: Int64

    public init(cid: CID, mimeType: String, size: Int64) {
        self.cid = cid
        self.mimeType = mimeType
        self.size = size
    }
}

/// Blobs in records: the checks a write's blob refs pass, and the references that keep the
/// blobs from being collected.
extension BlobService {
    /// Checks that each declared blob is an uploaded, not taken-down blob of `did` whose
    /// stored size and MIME type are what the record says (the Lexicon validator has already
    /// checked the declared values against the schema's `accept` and `maxSize`), then records
    /// that `recordURI` references them, making them permanent. Any failure changes nothing.
    public func checkAndReference(did: String, recordURI: String, blobs: [DeclaredBlob], repoRev: String?) async throws {
        try Self.checkDID(did)
        for blob in blobs {
            let stored = try await self.blob(did: did, cid: blob.cid)
            guard stored.size == blob.size else {
                throw BlobError.invalidRequest("Blob \(blob.cid) is \(stored.size) bytes but the record says \(blob.size)")
            }
            guard MIMESniffer.essence(stored.mimeType) == MIMESniffer.essence(blob.mimeType) else {
                throw BlobError("InvalidMimeType", "Blob \(blob.cid) is \(stored.mimeType) but the record says \(blob.mimeType)")
            }
        }
        try await markReferenced(did: did, recordURI: recordURI, cids: blobs.map(\.cid), repoRev: repoRev, requireStored: true)
    }

    /// A record was deleted (`keeping` empty) or rewritten (`keeping` = its new version's
    /// blobs): references to anything else go, and blobs nothing references any more turn
    /// temporary, collectable one TTL from `now`. Returns those.
    @discardableResult
    public func releaseReferences(did: String, recordURI: String, keeping: [CID], repoRev: String?, now: Date = Date()) async throws -> [CID] {
        try await index.releaseReferences(did: did, recordURI: recordURI, keeping: Set(keeping.map(\.string)), repoRev: repoRev, at: now)
            .map { try CID(string: $0) }
    }
}
