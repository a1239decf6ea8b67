import Synchronization

/// The mailbox through which tasks and threads talk to one socket thread: a mutex-protected queue
/// plus a wake pipe. Posting never blocks on the socket; the socket thread takes the whole queue
/// each time it wakes, so a burst of calls costs one wake-up.
final class CommandInbox<Command: Sendable>: Sendable {
    private struct State {
        var queue: [Command] = []
        var closed = false
    }

    private let state = Mutex(State())
    let pipe: WakePipe

    init() throws(IPCError) { pipe = try WakePipe() }

    deinit { pipe.close() }

    /// Queues a command; false when the socket thread has already stopped (the caller must then
    /// answer whatever the command was waiting for itself).
    @discardableResult
    func post(_ command: Command) -> Bool {
        let (accepted, wasEmpty) = state.withLock { s -> (Bool, Bool) in
            if s.closed { return (false, false) }
            let wasEmpty = s.queue.isEmpty
            s.queue.append(command)
            return (true, wasEmpty)
        }
        // Only the first command of a batch needs to wake the loop: it drains the pipe before it
        // takes the queue, so a later post either lands in the taken batch or writes a fresh byte.
        if wasEmpty { pipe.signal() }
        return accepted
    }

    /// Takes every queued command (socket thread only).
    func take() -> [Command] {
        pipe.drain()
        return state.withLock { s in
            let commands = s.queue
            s.queue.removeAll(keepingCapacity: true)
            return commands
        }
    }

    /// Refuses further posts and returns what was still queued, for the socket thread to fail.
    func close() -> [Command] {
        state.withLock { s in
            s.closed = true
            let commands = s.queue
            s.queue = []
            return commands
        }
    }
}
