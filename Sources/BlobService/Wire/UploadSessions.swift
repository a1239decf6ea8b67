import Foundation
import IPLD
import Synchronization

/// Uploads in progress over IPC, by upload id.
///
/// Each upload is a task running `BlobService.upload` over a `ChunkChannel` that the
/// `uploadChunk` calls feed, so the bytes go to the spool file as they arrive and at most the
/// channel's capacity of chunks is held in memory per upload. An upload no call has touched
/// for `abandonAfter` is aborted by `reap` (the gateway died, or lost its client without
/// telling us); aborting removes its spool file.
final class UploadSessions: Sendable {
    /// One upload in progress.
    final class Session: Sendable {
        let did: String
        let channel: ChunkChannel
        let task: Task<BlobRef, any Error>
        /// The index the next chunk must have, and when the upload last saw a call.
        let progress: Mutex<(nextIndex: Int, lastActive: ContinuousClock.Instant)>

        init(did: String, channel: ChunkChannel, task: Task<BlobRef, any Error>) {
            self.did = did
            self.channel = channel
            self.task = task
            progress = Mutex((0, .now))
        }
    }

    let service: BlobService
    let abandonAfter: Duration
    private let sessions = Mutex<[String: Session]>([:])

    init(service: BlobService, abandonAfter: Duration = .seconds(60)) {
        self.service = service
        self.abandonAfter = abandonAfter
    }

    /// How many uploads are in progress.
    var count: Int { sessions.withLock { $0.count } }

    /// Opens an upload and starts spooling it; returns its id.
    func start(did: String, mimeType: String?) throws(BlobError) -> String {
        try BlobService.checkDID(did)
        let channel = ChunkChannel(capacity: 2)
        let service = self.service
        let task = Task<BlobRef, any Error> {
            do {
                let ref = try await service.upload(did: did, declaredMimeType: mimeType, chunks: channel)
                return ref
            } catch {
                // Wakes a sender waiting for room, with the reason (BlobTooLarge, …).
                channel.fail(error)
                throw error
            }
        }
        let id = UUID().uuidString
        sessions.withLock { $0[id] = Session(did: did, channel: channel, task: task) }
        return id
    }

    /// Feeds the `index`-th chunk; a repeated index (a retried call) is ignored.
    func chunk(id: String, index: Int, bytes: [UInt8]) async throws {
        let session = try lookup(id)
        let accepted: Bool = try session.progress.withLock { (p) throws(BlobError) -> Bool in
            p.lastActive = .now
            if index < p.nextIndex { return false }
            guard index == p.nextIndex else { throw .invalidRequest("upload chunk \(index) out of order (expected \(p.nextIndex))") }
            p.nextIndex += 1
            return true
        }
        guard accepted, !bytes.isEmpty else { return }
        do {
            try await session.channel.send(bytes)
        } catch {
            // The upload itself failed (too large, storage error): report that, and forget it.
            remove(id)
            throw await failure(of: session) ?? error
        }
        session.progress.withLock { $0.lastActive = .now }
    }

    /// Ends the body and waits for the blob to be stored.
    func finish(id: String) async throws -> BlobRef {
        let session = try lookup(id)
        session.channel.finish()
        defer { remove(id) }
        return try await session.task.value
    }

    /// Abandons an upload; its spool file is removed. Unknown ids are fine (already gone).
    func abort(id: String) async {
        guard let session = remove(id) else { return }
        await Self.abort(session)
    }

    /// Aborts every upload idle for longer than `abandonAfter`; returns how many.
    @discardableResult
    func reap(now: ContinuousClock.Instant = .now) async -> Int {
        let idle = sessions.withLock { all in
            let ids = all.filter { now - $0.value.progress.withLock { $0.lastActive } > abandonAfter }.map(\.key)
            return ids.compactMap { all.removeValue(forKey: $0) }
        }
        for session in idle { await Self.abort(session) }
        return idle.count
    }

    private static func abort(_ session: Session) async {
        session.channel.fail(BlobError.invalidRequest("upload aborted"))
        session.task.cancel()
        // Waiting for the task means its spool file is gone when abort returns.
        _ = try? await session.task.value
    }

    private func failure(of session: Session) async -> (any Error)? {
        do { _ = try await session.task.value; return nil } catch { return error }
    }

    private func lookup(_ id: String) throws(BlobError) -> Session {
        guard let session = sessions.withLock({ $0[id] }) else {
            throw BlobError("InvalidRequest", "No upload in progress with id \(id) (finished, aborted or abandoned)")
        }
        return session
    }

    @discardableResult
    private func remove(_ id: String) -> Session? { sessions.withLock { $0.removeValue(forKey: id) } }
}
