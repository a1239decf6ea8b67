import CZeroMQ

/// One libzmq context, created and terminated on the socket thread that owns it.
///
/// Deliberately not `Sendable`: every socket thread makes its own context, so neither the context
/// nor its sockets are ever reachable from another thread, and `terminate` cannot race a socket
/// that is still in use elsewhere.
final class ZMQContext {
    private var handle: UnsafeMutableRawPointer?

    init() throws(IPCError) {
        guard let handle = zmq_ctx_new() else { throw IPCError.lastZMQ("zmq_ctx_new") }
        // One I/O thread is plenty for a handful of sockets; the default is one as well, said here
        // so that nobody "tunes" it without measuring.
        zmq_ctx_set(handle, ZMQ_IO_THREADS, 1)
        self.handle = handle
    }

    /// Makes a socket of `type` (ZMQ_DEALER, ZMQ_ROUTER, ...) in this context.
    func socket(_ type: Int32) throws(IPCError) -> ZMQSocket {
        guard let handle else { throw IPCError.stopped }
        guard let raw = zmq_socket(handle, type) else { throw IPCError.lastZMQ("zmq_socket") }
        return ZMQSocket(raw)
    }

    /// Terminates the context. Every socket of it must already be closed (with linger 0), or this
    /// would block until their queued messages were delivered.
    func terminate() {
        guard let handle else { return }
        self.handle = nil
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    deinit { terminate() }
}
