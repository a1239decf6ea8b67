import CZeroMQ
import Foundation

/// Blocks in `zmq_poll` on a set of sockets plus the inbox's wake pipe, for at most
/// `timeoutMillis` (-1 = until something happens), or only looks if commands are already queued.
/// Returns the `revents` of each socket, in order.
func zmqPoll<C>(sockets: [(ZMQSocket, Int16)], inbox: CommandInbox<C>, timeoutMillis: Int) -> [Int16] {
    let wake = inbox.pipe
    let timeoutMillis = inbox.prepareToSleep() ? timeoutMillis : 0
    var items = sockets.map { zmq_pollitem_t(socket: $0.0.handle, fd: 0, events: $0.1, revents: 0) }
    items.append(zmq_pollitem_t(socket: nil, fd: wake.readFD, events: Int16(ZMQ_POLLIN), revents: 0))
    let rc = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32($0.count), timeoutMillis) }
    if rc <= 0 { return Array(repeating: 0, count: sockets.count) }
    // Empty the pipe only when it was written, which saves a read per wake-up otherwise.
    if (items[sockets.count].revents & Int16(ZMQ_POLLIN)) != 0 { wake.drain() }
    return items.prefix(sockets.count).map(\.revents)
}

/// Starts a named thread outside Swift's cooperative pool for a socket loop: the loop blocks in
/// `zmq_poll`, which must never happen on a pool thread.
func startSocketThread(name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread(block: body)
    thread.name = name
    thread.stackSize = 1 << 20
    thread.start()
}

/// Monotonic nanoseconds, for deadlines that must not jump with the wall clock.
func monotonicNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
