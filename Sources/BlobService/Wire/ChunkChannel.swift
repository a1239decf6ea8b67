import Synchronization

/// A bounded hand-off of upload chunks from IPC calls (one producer) to the task spooling
/// the upload (one consumer).
///
/// `send` returns only once the channel holds fewer than `capacity` chunks, so a fast
/// sender is held back to the speed of the disk (or S3) and an upload never has more than
/// `capacity` chunks in memory here, whatever its size. Either side can end it: `finish`
/// (no more chunks), `fail` (the upload is aborted; both sides see the error).
final class ChunkChannel: AsyncSequence, Sendable {
    typealias Element = [UInt8]

    private struct State {
        var buffer: [[UInt8]] = []
        var finished = false
        var failure: (any Error)?
        var consumer: CheckedContinuation<[UInt8]?, any Error>?
        var producer: CheckedContinuation<Void, any Error>?
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 2) { self.capacity = Swift.max(1, capacity) }

    /// Hands `chunk` over, waiting while the channel is full. Throws the channel's failure.
    func send(_ chunk: [UInt8]) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let resume: () -> Void = state.withLock { s in
                if let failure = s.failure { return { c.resume(throwing: failure) } }
                if s.finished { return { c.resume(throwing: BlobError.invalidRequest("upload already finished")) } }
                if let consumer = s.consumer {
                    s.consumer = nil
                    return { consumer.resume(returning: chunk); c.resume() }
                }
                s.buffer.append(chunk)
                if s.buffer.count < capacity { return { c.resume() } }
                s.producer = c
                return {}
            }
            resume()
        }
    }

    /// No more chunks: the consumer sees the end once it has taken what is buffered.
    func finish() {
        let resume: () -> Void = state.withLock { s in
            s.finished = true
            guard let consumer = s.consumer else { return {} }
            s.consumer = nil
            return { consumer.resume(returning: nil) }
        }
        resume()
    }

    /// Ends the channel with `error` for both sides; buffered chunks are dropped.
    func fail(_ error: any Error) {
        let resume: () -> Void = state.withLock { s in
            if s.failure == nil { s.failure = error }
            s.buffer.removeAll()
            let consumer = s.consumer, producer = s.producer
            s.consumer = nil
            s.producer = nil
            let failure = s.failure!
            return { consumer?.resume(throwing: failure); producer?.resume(throwing: failure) }
        }
        resume()
    }

    /// The next chunk, nil at the end; waits while the channel is empty.
    func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<[UInt8]?, any Error>) in
                let resume: () -> Void = state.withLock { s in
                    if let failure = s.failure { return { c.resume(throwing: failure) } }
                    if !s.buffer.isEmpty {
                        let chunk = s.buffer.removeFirst()
                        let producer = s.producer
                        s.producer = nil
                        return { producer?.resume(); c.resume(returning: chunk) }
                    }
                    if s.finished { return { c.resume(returning: nil) } }
                    s.consumer = c
                    return {}
                }
                resume()
            }
        } onCancel: {
            fail(CancellationError())
        }
    }

    /// Iterates by calling `next`.
    struct AsyncIterator: AsyncIteratorProtocol {
        let channel: ChunkChannel
        mutating func next() async throws -> [UInt8]? { try await channel.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(channel: self) }
}
