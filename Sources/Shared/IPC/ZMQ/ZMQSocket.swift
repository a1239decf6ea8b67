import CZeroMQ

/// One libzmq socket. Not `Sendable`: it is made, used and closed on its owner's socket thread.
///
/// `close` sets linger to 0 first, so closing never waits on a peer that has gone away, and
/// makes any later use throw `IPCError.stopped` instead of touching freed memory.
final class ZMQSocket {
    private(set) var handle: UnsafeMutableRawPointer?

    init(_ handle: UnsafeMutableRawPointer) { self.handle = handle }

    deinit { close() }

    /// Closes the socket, discarding unsent messages.
    func close() {
        guard let handle else { return }
        var zero: Int32 = 0
        zmq_setsockopt(handle, ZMQ_LINGER, &zero, MemoryLayout<Int32>.size)
        zmq_close(handle)
        self.handle = nil
    }

    /// The descriptor libzmq makes readable whenever the socket's state may have changed
    /// (`ZMQ_FD`), for waiting on it with `poll` next to other descriptors; -1 once closed.
    private(set) lazy var fileDescriptor: Int32 = {
        guard let handle else { return -1 }
        var fd: Int32 = -1
        var size = MemoryLayout<Int32>.size
        return zmq_getsockopt(handle, ZMQ_FD, &fd, &size) == 0 ? fd : -1
    }()

    /// What the socket can do right now (`ZMQ_POLLIN`, `ZMQ_POLLOUT`), from `ZMQ_EVENTS`. Reading
    /// it also processes libzmq's pending commands for the socket and re-arms `fileDescriptor`,
    /// so it must be checked right before waiting on the descriptor.
    func events() -> Int16 {
        guard let handle else { return 0 }
        var events: Int32 = 0
        var size = MemoryLayout<Int32>.size
        while zmq_getsockopt(handle, ZMQ_EVENTS, &events, &size) != 0 {
            if zmq_errno() != EINTR { return 0 }
        }
        return Int16(truncatingIfNeeded: events)
    }

    /// Sets an integer socket option.
    func set(_ option: Int32, _ value: Int32) throws(IPCError) {
        guard let handle else { throw IPCError.stopped }
        var v = value
        if zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size) != 0 { throw IPCError.lastZMQ("zmq_setsockopt") }
    }

    /// Sets a bytes socket option (ZMQ_SUBSCRIBE and the like).
    func set(_ option: Int32, bytes: [UInt8]) throws(IPCError) {
        guard let handle else { throw IPCError.stopped }
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        if rc != 0 { throw IPCError.lastZMQ("zmq_setsockopt") }
    }

    /// Binds to `endpoint`; for ipc:// libzmq first removes a socket file a dead process left.
    func bind(_ endpoint: String) throws(IPCError) {
        guard let handle else { throw IPCError.stopped }
        if zmq_bind(handle, endpoint) != 0 { throw IPCError.lastZMQ("bind \(endpoint)") }
    }

    /// Connects to `endpoint`; libzmq keeps reconnecting by itself whenever the peer goes away.
    func connect(_ endpoint: String) throws(IPCError) {
        guard let handle else { throw IPCError.stopped }
        if zmq_connect(handle, endpoint) != 0 { throw IPCError.lastZMQ("connect \(endpoint)") }
    }

    /// Publishes this socket's connect/disconnect events on a PAIR socket at `inprocEndpoint`
    /// (same context), which the owner connects and polls next to this one.
    func monitor(_ inprocEndpoint: String, events: Int32) throws(IPCError) {
        guard let handle else { throw IPCError.stopped }
        if zmq_socket_monitor(handle, inprocEndpoint, events) != 0 { throw IPCError.lastZMQ("zmq_socket_monitor") }
    }

    /// Sends one multipart message without blocking. Returns false when the socket cannot take it
    /// now (EAGAIN: no connected peer, or the high-water mark is reached).
    func send(_ frames: [[UInt8]]) throws(IPCError) -> Bool {
        guard let handle else { throw IPCError.stopped }
        for (i, frame) in frames.enumerated() {
            let flags = ZMQ_DONTWAIT | (i < frames.count - 1 ? ZMQ_SNDMORE : 0)
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                let err = zmq_errno()
                if err == EINTR { continue }
                // Only the first frame can meet EAGAIN: once one part is queued the rest are taken.
                if err == EAGAIN || err == EHOSTUNREACH { return false }
                throw IPCError.zmq(code: err, message: "send: " + String(cString: zmq_strerror(err)))
            }
        }
        return true
    }

    /// Receives one multipart message if one is waiting, nil otherwise.
    func receive() throws(IPCError) -> [[UInt8]]? {
        guard let handle else { throw IPCError.stopped }
        var frames: [[UInt8]] = []
        var msg = zmq_msg_t()
        zmq_msg_init(&msg)
        defer { zmq_msg_close(&msg) }
        while true {
            let rc = zmq_msg_recv(&msg, handle, ZMQ_DONTWAIT)
            if rc < 0 {
                let err = zmq_errno()
                if err == EINTR { continue }
                if err == EAGAIN && frames.isEmpty { return nil }
                throw IPCError.zmq(code: err, message: "recv: " + String(cString: zmq_strerror(err)))
            }
            let size = zmq_msg_size(&msg)
            if let data = zmq_msg_data(&msg), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&msg) == 0 { return frames }
        }
    }
}
