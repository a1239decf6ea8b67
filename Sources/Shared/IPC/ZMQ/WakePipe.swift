#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A self-pipe that lets any thread wake a socket thread blocked in `zmq_poll`: the poll loop
/// watches `readFD` next to its sockets. Both ends are non-blocking; a full pipe already means
/// "wake up", so a failed write is harmless.
struct WakePipe: Sendable {
    let readFD: Int32
    let writeFD: Int32

    init() throws(IPCError) {
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { throw IPCError.zmq(code: errno, message: "pipe() failed") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    /// Wakes the poll loop.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe so the next poll blocks again.
    func drain() {
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 1) { buffer in
            while read(readFD, buffer.baseAddress, 64) > 0 {}
        }
    }

    /// Closes both ends; called once, by the inbox that owns the pipe, when it is freed.
    func close() {
        closeFD(readFD)
        closeFD(writeFD)
    }
}

private func closeFD(_ fd: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #else
    _ = Darwin.close(fd)
    #endif
}
