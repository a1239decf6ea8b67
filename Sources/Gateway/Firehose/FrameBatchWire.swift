import EventStream
import NIOCore
import Synchronization

/// A run of firehose frames as they go on the wire: each one a complete, unmasked binary
/// WebSocket message, back to back in one buffer.
///
/// The caught-up connections the hub reaches in one step of its walk were last reached
/// together too, so they receive the same events: the buffer is encoded once and shared (a
/// `ByteBuffer` is copy-on-write), and each connection then costs one write of it instead of
/// a copy and an encoder pass per frame.
final class FrameBatchWire: Sendable {
    private let last = Mutex<(first: Int64, last: Int64, buffer: ByteBuffer)?>(nil)

    /// The wire bytes of `events` (in order, consecutive seqs), from the last call's when it
    /// was for the same run.
    func bytes(for events: [StreamEvent]) -> ByteBuffer {
        guard let first = events.first?.seq, let final = events.last?.seq else { return ByteBuffer() }
        if let cached = last.withLock({ $0 }), cached.first == first, cached.last == final { return cached.buffer }
        let buffer = Self.encode(events.map(\.frame))
        last.withLock { $0 = (first, final, buffer) }
        return buffer
    }

    /// Frames the payloads as binary WebSocket messages (RFC 6455 §5.2, server side: no mask).
    static func encode(_ frames: [[UInt8]]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: frames.reduce(0) { $0 + $1.count + 10 })
        for frame in frames {
            buffer.writeInteger(UInt8(0x82))  // FIN, opcode 2 (binary)
            if frame.count < 126 {
                buffer.writeInteger(UInt8(frame.count))
            } else if frame.count <= Int(UInt16.max) {
                buffer.writeInteger(UInt8(126))
                buffer.writeInteger(UInt16(frame.count))
            } else {
                buffer.writeInteger(UInt8(127))
                buffer.writeInteger(UInt64(frame.count))
            }
            buffer.writeBytes(frame)
        }
        return buffer
    }
}
