#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something bytes can be read from in chunks: a file, a socket body, memory.
public protocol ByteSource {
    /// Reads up to `maxCount` bytes; an empty result means end of input.
    mutating func read(maxCount: Int) throws -> [UInt8]
}

/// Bytes already in memory.
public struct MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(maxCount: Int) throws -> [UInt8] {
        let n = min(maxCount, bytes.count - offset)
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }
}

/// A file read with plain POSIX calls, so a large CAR streams without being loaded whole.
public final class FileByteSource: ByteSource {
    private let fd: Int32

    /// Opens `path` for reading.
    public init(path: String) throws(IPLDError) {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IPLDError(.car, "cannot open \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    public func read(maxCount: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: maxCount)
        let n = out.withUnsafeMutableBytes { buf -> Int in
            while true {
                let r = Glibc.read(fd, buf.baseAddress, maxCount)
                if r < 0 && errno == EINTR { continue }
                return r
            }
        }
        guard n >= 0 else { throw IPLDError(.car, "read failed: \(String(cString: strerror(errno)))") }
        out.removeSubrange(n...)
        return out
    }
}
