import EventStream
import NIOCore
import Synchronization

/// Runs a delivery's writes for all the caught-up connections of one event loop in one task
/// on that loop, instead of one task per connection.
///
/// With 1,000 subscribers every delivery used to enqueue 1,000 closures, each taking the
/// loop's task-queue lock and checking whether to wake it; now a delivery takes each loop's
/// lock once and the loop walks a plain array.
final class EventLoopFanout: Sendable {
    /// One loop's queue of writes waiting for its next run.
    final class LoopQueue: Sendable {
        struct Write {
            let sink: LiveChannelSink
            let bytes: ByteBuffer
            let events: [StreamEvent]
        }

        let eventLoop: any EventLoop
        private let pending = Mutex<(writes: [Write], scheduled: Bool)>(([], false))

        init(eventLoop: any EventLoop) {
            self.eventLoop = eventLoop
        }

        /// Queues a write; the first one queued since the last run schedules the next.
        func enqueue(_ write: Write) {
            let schedule = pending.withLock { p -> Bool in
                p.writes.append(write)
                defer { p.scheduled = true }
                return !p.scheduled
            }
            if schedule { eventLoop.execute { self.run() } }
        }

        private func run() {
            let writes = pending.withLock { p -> [Write] in
                p.scheduled = false
                let writes = p.writes
                p.writes = []
                return writes
            }
            for write in writes { write.sink.write(write.bytes, frames: write.events) }
        }
    }

    private let queues = Mutex<[ObjectIdentifier: LoopQueue]>([:])

    /// The queue of `eventLoop` (made on first use; a gateway has one per core).
    func queue(for eventLoop: any EventLoop) -> LoopQueue {
        queues.withLock { queues in
            let key = ObjectIdentifier(eventLoop)
            if let queue = queues[key] { return queue }
            let queue = LoopQueue(eventLoop: eventLoop)
            queues[key] = queue
            return queue
        }
    }
}
