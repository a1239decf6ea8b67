import NIOCore
import NIOWebSocket

/// Sends one `subscribeRepos` connection's frames straight to its channel: all the frames of
/// a batch in one flush (one writev instead of one per frame when events queued up while the
/// last batch was sent), and `write` returns only once the socket has taken them, so at most
/// one batch per connection is ever buffered in the gateway.
struct FrameWriter: Sendable {
    let channel: any Channel

    /// Frames per batch at most, and bytes after which a batch stops growing.
    static let maxFrames = 64
    static let maxBytes = 256 * 1024

    /// Writes each frame as one binary WebSocket message, flushing once.
    func write(_ frames: [[UInt8]]) async throws {
        guard !frames.isEmpty else { return }
        let channel = self.channel
        let done = channel.eventLoop.makePromise(of: Void.self)
        channel.eventLoop.execute {
            for (index, frame) in frames.enumerated() {
                var buffer = channel.allocator.buffer(capacity: frame.count)
                buffer.writeBytes(frame)
                channel.write(WebSocketFrame(fin: true, opcode: .binary, data: buffer), promise: index == frames.count - 1 ? done : nil)
            }
            channel.flush()
        }
        try await done.futureResult.get()
    }
}
