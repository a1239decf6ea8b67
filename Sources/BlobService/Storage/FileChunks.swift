#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor, closed when the last reference goes.
final class FileDescriptor: Sendable {
    let fd: Int32

    init(path: String, flags: Int32, mode: mode_t = 0) throws(FileError) {
        let fd = open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError(operation: "open", path: path, errno: errno) }
        self.fd = fd
    }

    deinit { close(fd) }
}

/// A failed file system call, with its errno.
struct FileError: Error, CustomStringConvertible {
    let operation: String
    let path: String
    let errno: Int32
    var description: String { "\(operation) \(path): \(String(cString: strerror(errno)))" }
    var isNotFound: Bool { errno == ENOENT }
}

/// A file's bytes (or a window of them) as an async sequence of chunks, read with `pread` so
/// iterators never share a file offset.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    static let chunkSize = 256 * 1024

    let file: FileDescriptor
    let path: String
    let offset: Int64
    let end: Int64?

    /// Opens `path` now, so a missing file is an error of the caller, not of the first read.
    init(path: String, offset: Int64 = 0, length: Int64? = nil) throws(FileError) {
        file = try FileDescriptor(path: path, flags: O_RDONLY)
        self.path = path
        self.offset = offset
        end = length.map { offset + $0 }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let file: FileDescriptor
        let path: String
        var position: Int64
        let end: Int64?

        mutating func next() async throws -> [UInt8]? {
            let want = end.map { Int(Swift.min(Int64(FileChunks.chunkSize), $0 - position)) } ?? FileChunks.chunkSize
            guard want > 0 else { return nil }
            let fd = file.fd
            let at = position
            let chunk = try [UInt8](unsafeUninitializedCapacity: want) { buffer, count in
                var got = 0
                while got < want {
                    let n = pread(fd, buffer.baseAddress! + got, want - got, off_t(at) + off_t(got))
                    if n < 0 {
                        if errno == EINTR { continue }
                        count = 0
                        throw FileError(operation: "read", path: path, errno: errno)
                    }
                    if n == 0 { break }
                    got += n
                }
                count = got
            }
            if chunk.isEmpty { return nil }
            position += Int64(chunk.count)
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(file: file, path: path, position: offset, end: end) }
}
