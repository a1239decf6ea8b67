import EventStream
import NIOCore

/// Paces the gateway's `EventHub` from one of its event loops, with a timer of the loop's own.
///
/// The loop wakes for each step by itself, and the writes a step queues for that loop's
/// connections run in the same wake-up; a task sleeping on the cooperative pool (the default
/// pacer) would take one more thread wake-up per step, each one a chance to wait for a core
/// on a busy machine.
struct EventLoopPacer: EventHubPacer {
    let eventLoop: any EventLoop

    func start(every interval: Duration, _ step: @escaping @Sendable () -> Bool) {
        eventLoop.scheduleRepeatedTask(initialDelay: TimeAmount(interval), delay: TimeAmount(interval)) { task in
            if !step() { task.cancel() }
        }
    }
}
