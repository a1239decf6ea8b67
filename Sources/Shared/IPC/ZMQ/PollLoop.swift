import CZeroMQ
import Foundation

/// Waits until one of `sockets` can do what it is polled for, a command is posted to `inbox`, or
/// `timeoutMillis` pass (-1 = no limit); does not wait at all when either is already the case.
/// Returns the events of each socket, in order, masked by what was asked for.
///
/// This is `zmq_poll` done by hand: check each socket's `ZMQ_EVENTS`, and only when nothing is
/// ready, sleep in one `poll` on the sockets' `ZMQ_FD`s and the inbox's wake pipe, then check
/// again. `zmq_poll` itself makes a non-blocking `poll` first and then a blocking one, so this
/// saves a system call on every wait, and all of them when work is already there.
func zmqPoll<C>(sockets: [(ZMQSocket, Int16)], inbox: CommandInbox<C>, timeoutMillis: Int) -> [Int16] {
    var ready = sockets.map { $0.0.events() & $0.1 }
    if ready.contains(where: { $0 != 0 }) || !inbox.prepareToSleep() { return ready }
    let wake = inbox.pipe
    var fds = sockets.map { pollfd(fd: $0.0.fileDescriptor, events: Int16(POLLIN), revents: 0) }
    fds.append(pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0))
    let rc = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), Int32(clamping: timeoutMillis)) }
    // Empty the pipe only when it was written, which saves a read per wake-up otherwise.
    if rc > 0 && (fds[sockets.count].revents & Int16(POLLIN)) != 0 { wake.drain() }
    for (i, item) in sockets.enumerated() { ready[i] = item.0.events() & item.1 }
    return ready
}

/// Starts a named thread outside Swift's cooperative pool for a socket loop: the loop blocks in
/// `zmq_poll`, which must never happen on a pool thread.
func startSocketThread(name: String, _ body: @escaping @Sendable () -> Void) {
    // The kernel's name for the thread (15 bytes), so `top -H` and /proc show which loop it is;
    // Foundation's `Thread.name` does not reach it on Linux.
    let shortName = String((name.split(separator: " ").first ?? "ipc").prefix(15))
    let thread = Thread {
        #if os(Linux)
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        if fd >= 0 {
            _ = shortName.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        #endif
        body()
    }
    thread.name = name
    thread.stackSize = 1 << 20
    thread.start()
}

/// Monotonic nanoseconds, for deadlines that must not jump with the wall clock.
func monotonicNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
