import Foundation
import IPLD
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blobs as files under a directory (`PDS_BLOBSTORE_DISK_LOCATION`), one per CID:
/// `<root>/blocks/<last two characters of the CID>/<cid>`.
///
/// The shard keeps directories small (the CID's tail is uniformly distributed; its head is
/// the constant `bafkrei`). A blob is written to `<root>/tmp`, fsync'd, renamed into place
/// and its directory fsync'd, so a crash leaves either the whole blob or nothing visible;
/// leftovers in `tmp` are removed when the store opens.
///
/// File reads are plain blocking `pread`s of 256 KiB: short enough not to starve the
/// cooperative thread pool on a local disk.
public struct DiskBlobStore: BlobStore {
    public let root: String
    var tmpDirectory: String { root + "/tmp" }

    /// Opens (creating) the store and removes temp files a crash left behind.
    public init(root: String) throws {
        self.root = root
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/blocks", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/tmp", withIntermediateDirectories: true)
        for name in (try? fm.contentsOfDirectory(atPath: tmpDirectory)) ?? [] where name.hasPrefix("put-") {
            _ = unlink(tmpDirectory + "/" + name)
        }
    }

    /// The file of `cid`.
    public func path(of cid: CID) -> String {
        let s = cid.string
        return "\(root)/blocks/\(s.suffix(2))/\(s)"
    }

    public func put<S: AsyncSequence & Sendable>(_ cid: CID, size: Int64, sha256: [UInt8], chunks: S) async throws
    where S.Element == [UInt8] {
        let tmp = "\(tmpDirectory)/put-\(UUID().uuidString)"
        do {
            let file = try FileDescriptor(path: tmp, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
            var written: Int64 = 0
            for try await chunk in chunks {
                try Self.writeAll(file.fd, chunk, path: tmp)
                written += Int64(chunk.count)
            }
            guard written == size else { throw BlobError.internalError("expected \(size) bytes for \(cid), got \(written)") }
            guard fsync(file.fd) == 0 else { throw FileError(operation: "fsync", path: tmp, errno: errno) }
            try place(tmp, as: cid)
        } catch {
            _ = unlink(tmp)
            throw error
        }
    }

    /// Renames a spooled upload into place when it is on this filesystem (the staging area
    /// is under the store by default), copying it otherwise.
    public func putStaged(_ cid: CID, file: StagedFile) async throws {
        defer { file.remove() }
        let fd = try FileDescriptor(path: file.path, flags: O_RDONLY)
        // The spooler does not fsync (an aborted upload need not be durable); a stored blob must be.
        guard fsync(fd.fd) == 0 else { throw FileError(operation: "fsync", path: file.path, errno: errno) }
        do {
            try place(file.path, as: cid)
        } catch where error.errno == EXDEV {
            try await put(cid, size: file.size, sha256: file.sha256, chunks: try FileChunks(path: file.path))
        }
    }

    public func read(_ cid: CID, offset: Int64, length: Int64?) async throws -> BlobByteStream {
        do {
            return BlobByteStream(try FileChunks(path: path(of: cid), offset: offset, length: length))
        } catch where error.isNotFound {
            throw BlobError.blobNotFound(cid.string)
        }
    }

    public func size(of cid: CID) async throws -> Int64? {
        var st = stat()
        guard stat(path(of: cid), &st) == 0 else {
            if errno == ENOENT { return nil }
            throw FileError(operation: "stat", path: path(of: cid), errno: errno)
        }
        return Int64(st.st_size)
    }

    public func delete(_ cid: CID) async throws {
        let p = path(of: cid)
        guard unlink(p) == 0 || errno == ENOENT else { throw FileError(operation: "unlink", path: p, errno: errno) }
    }

    /// Renames a complete, fsync'd file to the CID's path and fsyncs the directory so the
    /// rename itself survives a crash.
    private func place(_ tmp: String, as cid: CID) throws(FileError) {
        let target = path(of: cid)
        let dir = String(target[..<target.lastIndex(of: "/")!])
        if mkdir(dir, 0o755) != 0 && errno != EEXIST { throw FileError(operation: "mkdir", path: dir, errno: errno) }
        guard rename(tmp, target) == 0 else { throw FileError(operation: "rename", path: tmp, errno: errno) }
        let d = try FileDescriptor(path: dir, flags: O_RDONLY | O_DIRECTORY)
        _ = fsync(d.fd)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileError) {
        // The closure reports errno rather than throwing: withUnsafeBytes does not carry typed throws.
        let failure: Int32? = bytes.withUnsafeBytes { buf in
            var done = 0
            while done < buf.count {
                let n = write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return nil
        }
        if let failure { throw FileError(operation: "write", path: path, errno: failure) }
    }
}
