import CZeroMQ
import Synchronization

/// A socket that its socket thread shares, behind a lock, with the tasks that send on it, so that a
/// request or a reply goes out on the thread that made it instead of costing a hand-off (a pipe
/// write and a thread wake-up, ~10 µs each on a small VM) to the socket thread.
///
/// Why this is safe: a libzmq socket is not thread-safe, but it may be used by one thread after
/// another provided a full memory barrier separates the uses (zmq_socket(3)). The socket lives in
/// the mutex from the moment it is made (it is moved in, and the type is not `Sendable`, so no
/// other reference can escape) and every use, closing included, is inside `withLock`, whose
/// acquire and release are that barrier. No two threads ever touch the socket at once.
///
/// The socket thread still does all the receiving and all the waiting. What senders must take care
/// of is `ZMQ_FD`: any libzmq call on the socket may process the socket's pending commands and so
/// reset the descriptor the socket thread sleeps on although a message is now waiting. Hence the
/// socket thread, in the same critical section as its receive-until-nothing-is-left (which leaves
/// the descriptor armed), declares that it will not look at the socket again before it next wakes
/// (`awake` false), and does not take the lock again until then, so it never holds up a sender.
/// From then on every sender reads `ZMQ_EVENTS` right after its send and, if input is pending,
/// wakes the thread through the pipe. A sender only sends itself while the thread is asleep, which
/// is when it saves a wake-up; when the thread is up anyway (under load) handing it the message is
/// cheaper, as it sends a whole batch under one lock and no `ZMQ_EVENTS` read is needed.
final class SharedSocket<Extra>: Sendable {
    /// What the lock guards: the socket, the sleep bookkeeping, and the owner's own `extra` state
    /// (a client's calls awaiting replies), which must change together with sends and receives.
    struct Slot {
        var socket: ZMQSocket
        var extra: Extra
        /// When the socket thread's next sleep ends on its own (monotonic ns); a sender whose call
        /// is due earlier wakes it.
        fileprivate(set) var wakeAt: UInt64 = .max
        /// Someone sent on the socket since the thread's last receive (so it receives again before sleeping).
        fileprivate var dirty = false
        /// A sender saw input pending while the thread slept, and woke it.
        fileprivate var inputPending = false
        /// Set by a sender's `body` to wake a sleeping thread (e.g. for an earlier deadline).
        var wakeRequested = false
    }

    private let slot: Mutex<Slot>
    /// False from the moment the socket thread, under the lock, has received for the last time
    /// before it sleeps, until it returns from poll (or a sender decides to wake it). While it is
    /// false, the thread will not look at the socket before waking. Changed to false only under
    /// the lock, and read by senders under the lock when it matters.
    private let awake = Atomic<Bool>(true)
    private let pipe: WakePipe
    /// The socket's `ZMQ_FD`, read once (it does not change while the socket is open).
    let fileDescriptor: Int32

    /// Takes over `socket`; `pipe` is the one the socket thread polls (its inbox's).
    init(_ socket: sending ZMQSocket, extra: sending Extra, pipe: WakePipe) {
        fileDescriptor = socket.fileDescriptor
        self.pipe = pipe
        slot = Mutex(Slot(socket: socket, extra: extra))
    }

    /// Runs `body`, which sends on the socket, from any thread but the socket thread, if the socket
    /// thread is asleep and the socket free; then keeps the socket thread's wait sound as described
    /// above. Returns nil, without running `body`, otherwise: the sender then hands its message to
    /// the socket thread. When the thread is up, that is cheaper (see above); when the socket is
    /// busy, waiting would cost more than the hand-off, and with Linux's priority-inheriting futex
    /// (what `Mutex` uses) a released lock goes to the next sleeping waiter in turn, so under load
    /// waiters would queue up behind each other's wake-ups.
    /// `body` may also decline (return nil) before touching the socket.
    func sendIfAsleep<R: Sendable>(_ body: (inout Slot) -> R?) -> R? {
        if awake.load(ordering: .relaxed) { return nil }
        let attempt = slot.withLockIfAvailable { s -> (R, Bool)? in
            if awake.load(ordering: .relaxed) { return nil }
            guard let result = body(&s) else { return nil }
            s.dirty = true
            guard s.wakeRequested || (s.socket.events() & Int16(ZMQ_POLLIN)) != 0 else { return (result, false) }
            s.wakeRequested = false
            s.inputPending = true
            awake.store(true, ordering: .relaxed)
            return (result, true)
        }
        guard let (result, wake) = attempt ?? nil else { return nil }
        if wake { pipe.signal() }
        return result
    }

    /// Runs `body`, which sends on the socket, on the socket thread itself. The thread must call
    /// `receiveThenSleep` before it next sleeps (which receives, as the send marks the socket dirty).
    func sendFromSocketThread<R: Sendable>(_ body: (inout Slot) -> R) -> R {
        slot.withLock { s in
            s.dirty = true
            return body(&s)
        }
    }

    /// Runs `body` under the lock without sending (bookkeeping in `extra`).
    func withSlot<R: Sendable>(_ body: (inout Slot) -> R) -> R {
        slot.withLock { s in body(&s) }
    }

    /// Socket thread, once per wake-up: runs `body`, telling it whether it must receive (the
    /// descriptor `fired`, a sender saw input, or someone used the socket meanwhile); if so, it
    /// must receive until nothing is left, which re-arms the descriptor. `body` returns its result
    /// and when the thread's next sleep should end at the latest; from here until it wakes from
    /// that sleep, the thread must not touch the socket except through `send`.
    func receiveThenSleep<R: Sendable>(fired: Bool, _ body: (inout Slot, Bool) -> (R, wakeAt: UInt64)) -> R {
        slot.withLock { s in
            let receive = fired || s.inputPending || s.dirty
            s.inputPending = false
            s.dirty = false
            s.wakeRequested = false
            let (result, wakeAt) = body(&s, receive)
            s.wakeAt = wakeAt
            awake.store(false, ordering: .relaxed)
            return result
        }
    }

    /// Socket thread, on returning from poll: from now on senders hand their messages over.
    func markAwake() {
        awake.store(true, ordering: .relaxed)
    }

    /// Closes the socket (socket thread, at the end) after `body` has taken what is left in
    /// `extra`; later sends throw `IPCError.stopped`.
    func close<R: Sendable>(_ body: (inout Slot) -> R) -> R {
        slot.withLock { s in
            let result = body(&s)
            s.socket.close()
            return result
        }
    }
}
