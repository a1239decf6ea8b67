import Synchronization

/// The mailbox through which tasks and threads talk to one socket thread: a mutex-protected queue
/// plus a wake pipe. Posting never blocks on the socket; the socket thread takes the whole queue
/// each time it wakes, so a burst of calls costs one wake-up.
final class CommandInbox<Command: Sendable>: Sendable {
    private struct State {
        var queue: [Command] = []
        var closed = false
        /// The socket thread is (about to be) blocked in poll and needs the pipe to wake it.
        var sleeping = false
    }

    private let state = Mutex(State())
    let pipe: WakePipe

    init() throws(IPCError) { pipe = try WakePipe() }

    deinit { pipe.close() }

    /// Queues a command; false when the socket thread has already stopped (the caller must then
    /// answer whatever the command was waiting for itself).
    @discardableResult
    func post(_ command: Command) -> Bool {
        let (accepted, wake) = state.withLock { s -> (Bool, Bool) in
            if s.closed { return (false, false) }
            s.queue.append(command)
            let wake = s.sleeping
            s.sleeping = false
            return (true, wake)
        }
        // A busy socket thread looks at the queue before it next blocks, so only one that has
        // declared itself asleep costs a pipe write (and only the first post finds it so).
        if wake { pipe.signal() }
        return accepted
    }

    /// Called by the socket thread right before it blocks in poll: true means go ahead and
    /// block (any later post will write the pipe), false means commands are already waiting.
    func prepareToSleep() -> Bool {
        state.withLock { s in
            s.sleeping = s.queue.isEmpty
            return s.sleeping
        }
    }

    /// Takes every queued command (socket thread only; the poll empties the pipe).
    func take() -> [Command] {
        state.withLock { s in
            s.sleeping = false
            if s.queue.isEmpty { return [] }
            // Hand over the buffer itself; copying it out and then clearing would allocate anew.
            var commands: [Command] = []
            swap(&commands, &s.queue)
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
