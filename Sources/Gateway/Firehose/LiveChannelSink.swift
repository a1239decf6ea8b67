import Dispatch
import EventStream
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// A caught-up `subscribeRepos` connection taking live events straight from the hub: each
/// delivery is one write and one flush on the channel's event loop (in the loop's one task for
/// the delivery, see `EventLoopFanout`), with no task of the connection's own woken.
///
/// A client that stops reading is cut off (`ConsumerTooSlow`) once its channel has stayed
/// unwritable for the write timeout or more than `capacity` frames have piled up behind it,
/// so what the gateway buffers for it stays bounded.
final class LiveChannelSink: LiveSink {
    private struct State {
        /// The seq of the last event handed to the channel (-1 before any).
        var lastSent: Int64
        /// Set once the connection is cut off or closed: further deliveries are refused.
        var closed = false
        /// When the channel was first seen unwritable with frames behind it, and how many.
        var stalledSince: UInt64? = nil
        var stalledFrames = 0
        /// The reader waiting for the sink to fall back (a gap) or the connection to end.
        var waiter: CheckedContinuation<Int64?, Never>? = nil
        var fell = false
    }

    let channel: any Channel
    let writeTimeout: Duration
    let capacity: Int
    let logger: Logger
    private let state: Mutex<State>

    /// Shared by every connection: the wire bytes of the current delivery, encoded once.
    let wire: FrameBatchWire
    /// Where this channel's writes wait for its event loop, with every other connection's there.
    let loopQueue: EventLoopFanout.LoopQueue
    /// The channel's WebSocket encoder context, once looked up (on the event loop).
    private let encoder: NIOLoopBoundBox<ChannelHandlerContext?>

    init(channel: any Channel, lastSent: Int64, writeTimeout: Duration, capacity: Int, wire: FrameBatchWire,
         fanout: EventLoopFanout, logger: Logger) {
        self.channel = channel
        self.wire = wire
        loopQueue = fanout.queue(for: channel.eventLoop)
        encoder = NIOLoopBoundBox.makeEmptyBox(valueType: ChannelHandlerContext.self, eventLoop: channel.eventLoop)
        self.writeTimeout = writeTimeout
        self.capacity = capacity
        self.logger = logger
        state = Mutex(State(lastSent: lastSent))
    }

    func deliver(_ events: ArraySlice<StreamEvent>) -> LiveDelivery {
        var frames: [StreamEvent] = []
        let verdict = state.withLock { s -> LiveDelivery in
            if s.closed { return .closed }
            for (offset, event) in events.enumerated() {
                if s.lastSent >= 0 {
                    if event.seq <= s.lastSent { continue }
                    if event.seq > s.lastSent + 1 { return .gap(at: offset) }
                }
                s.lastSent = event.seq
                frames.append(event)
            }
            return .sent
        }
        // Frames before a gap go out first; the reader fills the gap after them.
        if !frames.isEmpty { send(frames) }
        return verdict
    }

    func fellBack() {
        wake(returning: lastSent) { $0.fell = true }
    }

    /// The seq of the last event sent here.
    var lastSent: Int64 { state.withLock { $0.lastSent } }

    /// Waits until the sink falls back to the reader (answers the seq to carry on after) or
    /// the task is cancelled because the connection ended (answers nil).
    func waitForFallback() async -> Int64? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int64?, Never>) in
                let resumeNow = state.withLock { s -> Int64?? in
                    if s.fell { return .some(s.lastSent) }
                    if s.closed || Task.isCancelled { return .some(nil) }
                    s.waiter = continuation
                    return .none
                }
                if let now = resumeNow { continuation.resume(returning: now) }
            }
        } onCancel: {
            close()
        }
    }

    /// Stops deliveries here and wakes the waiting reader.
    func close() {
        wake(returning: nil) { $0.closed = true }
    }

    /// Applies `change` and resumes the waiting reader (if any) with `value`.
    private func wake(returning value: Int64?, after change: (inout State) -> Void) {
        let waiter = state.withLock { s -> CheckedContinuation<Int64?, Never>? in
            change(&s)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: value)
    }

    /// Queues the frames for the channel's event loop, which writes them in its next run.
    private func send(_ events: [StreamEvent]) {
        loopQueue.enqueue(.init(sink: self, bytes: wire.bytes(for: events), events: events))
    }

    /// Writes the frames and flushes once; notices a stalled client. Event loop only.
    func write(_ bytes: ByteBuffer, frames events: [StreamEvent]) {
        if !writeBelowEncoder(bytes) {
            for event in events {
                channel.write(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: event.frame)), promise: nil)
            }
            channel.flush()
        }
        if channel.isWritable {
            state.withLock { $0.stalledSince = nil; $0.stalledFrames = 0 }
            return
        }
        let now = DispatchTime.now().uptimeNanoseconds
        let tooSlow = state.withLock { s -> Bool in
            let since = s.stalledSince ?? now
            s.stalledSince = since
            s.stalledFrames += events.count
            return s.stalledFrames > capacity || Duration.nanoseconds(Int64(clamping: now &- since)) > writeTimeout
        }
        if tooSlow {
            close()
            SubscribeRepos.cutOffNow(channel, logger: logger)
        }
    }

    /// Writes already framed bytes just below the channel's WebSocket encoder (which takes
    /// frames, not bytes) and flushes from there; false when the pipeline has no such encoder.
    /// The encoder's context is looked up once per connection. Event loop only.
    private func writeBelowEncoder(_ bytes: ByteBuffer) -> Bool {
        if encoder.value == nil {
            encoder.value = try? channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
        }
        guard let context = encoder.value else { return false }
        context.write(NIOAny(bytes), promise: nil)
        context.flush()
        return true
    }
}
