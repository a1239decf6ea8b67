import Dispatch
import Foundation
import Synchronization

/// Carries one repo export's CAR bytes from the producer (the block walk, running inside a
/// database read on GRDB's thread) to the consumer (successive `getRepoChunk` calls), holding
/// at most `capacity` pieces: the producer waits for room, so a large repo never sits in
/// memory whole.
final class ExportPipe: Sendable {
    /// Thrown to the producer when the consumer went away (or never came back in time).
    struct Abandoned: Error {}

    private struct State {
        var pieces: [[UInt8]] = []
        var finished = false
        var failure: (any Error)? = nil
        var abandoned = false
        var waiter: CheckedContinuation<Void, Never>? = nil
    }

    private let state = Mutex(State())
    /// Room for pieces. The producer is a synchronous sink on a database thread (not the
    /// cooperative pool), so blocking it on a semaphore is what back-pressure means here.
    private let room: DispatchSemaphore
    private let capacity: Int
    /// How long the producer waits for the consumer before giving up.
    let patience: DispatchTimeInterval

    init(capacity: Int = 32, patience: DispatchTimeInterval = .seconds(60)) {
        self.capacity = capacity
        self.room = DispatchSemaphore(value: capacity)
        self.patience = patience
    }

    /// Producer: hands over one piece, waiting while the pipe is full.
    func push(_ piece: [UInt8]) throws {
        guard !piece.isEmpty else { return }
        if room.wait(timeout: .now() + patience) == .timedOut { throw Abandoned() }
        let waiter = try state.withLock { s throws(Abandoned) -> CheckedContinuation<Void, Never>? in
            guard !s.abandoned else { throw Abandoned() }
            s.pieces.append(piece)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Producer: no more pieces (with the reason when the export failed).
    func finish(_ failure: (any Error)? = nil) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.finished = true
            s.failure = failure
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Consumer: up to `maxBytes` of the next pieces (at least one piece), waiting for the
    /// producer if none is ready; `done` once everything was taken. Throws the export's error.
    func next(maxBytes: Int) async throws -> (data: Data, done: Bool) {
        while true {
            enum Step { case take(Data, done: Bool), fail(any Error), wait }
            let step = state.withLock { s -> Step in
                if !s.pieces.isEmpty {
                    var data = Data()
                    var taken = 0
                    while taken < s.pieces.count, data.isEmpty || data.count + s.pieces[taken].count <= maxBytes {
                        data.append(contentsOf: s.pieces[taken])
                        taken += 1
                    }
                    s.pieces.removeFirst(taken)
                    for _ in 0..<taken { room.signal() }
                    return .take(data, done: s.finished && s.failure == nil && s.pieces.isEmpty)
                }
                if s.finished { return s.failure.map { .fail($0) } ?? .take(Data(), done: true) }
                return .wait
            }
            switch step {
            case .take(let data, let done): return (data, done)
            case .fail(let error): throw error
            case .wait:
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { s -> Bool in
                        if !s.pieces.isEmpty || s.finished { return true }
                        s.waiter = c
                        return false
                    }
                    if ready { c.resume() }
                }
            }
        }
    }

    /// Consumer: gives up; a waiting producer stops at its next piece.
    func abandon() {
        state.withLock { $0.abandoned = true; $0.pieces = [] }
        for _ in 0..<capacity { room.signal() }
    }
}
