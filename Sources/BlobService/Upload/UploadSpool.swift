import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Spools an upload to a temp file while hashing, measuring and keeping its first bytes.
///
/// The body is never held whole in memory: each chunk is hashed, written and dropped. The
/// size limit is checked as bytes arrive, so an oversized body is refused the moment it
/// passes the limit, not after it has all been read. Whatever goes wrong — limit, empty
/// body, the client going away (the chunk sequence throws), cancellation — the temp file is
/// removed before the error propagates.
struct UploadSpool: Sendable {
    let directory: String
    let limit: Int64
    /// How many leading bytes are kept for MIME sniffing.
    static let sniffLength = 4096
    /// File name prefix of spooled uploads, so a restart can clear crash leftovers.
    static let filePrefix = "upload-"

    /// The result of spooling: the file, and the body's first bytes.
    struct Spooled: Sendable {
        let file: StagedFile
        let head: [UInt8]
    }

    init(directory: String, limit: Int64) throws {
        self.directory = directory
        self.limit = limit
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Removes spooled uploads a crash left behind.
    func removeLeftovers() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(Self.filePrefix) {
            _ = unlink(directory + "/" + name)
        }
    }

    func spool<S: AsyncSequence>(_ chunks: S) async throws -> Spooled where S.Element == [UInt8] {
        let path = "\(directory)/\(Self.filePrefix)\(UUID().uuidString)"
        let file = try FileDescriptor(path: path, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        do {
            var hasher = SHA256()
            var size: Int64 = 0
            var head = [UInt8]()
            for try await chunk in chunks {
                try Task.checkCancellation()
                if chunk.isEmpty { continue }
                size += Int64(chunk.count)
                if size > limit { throw BlobError.blobTooLarge(limit: limit) }
                if head.count < Self.sniffLength { head += chunk.prefix(Self.sniffLength - head.count) }
                hasher.update(data: chunk)
                try DiskBlobStore.writeAll(file.fd, chunk, path: path)
            }
            guard size > 0 else { throw BlobError.emptyBody }
            let digest = Array(hasher.finalize())
            return Spooled(file: StagedFile(path: path, size: size, sha256: digest), head: head)
        } catch {
            _ = unlink(path)
            throw error
        }
    }
}
