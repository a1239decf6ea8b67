/// Serialises work on one CID: storing its bytes for an upload and deleting them in a sweep.
///
/// Without it a sweep could decide "no account holds this CID" and delete the bytes just as
/// an upload of the same bytes by someone else decided "already stored" and skipped writing
/// them. Different CIDs never wait on each other.
actor CIDLocks {
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` holding the lock of `cid`.
    func withLock<T: Sendable>(_ cid: String, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(cid)
        do {
            let value = try await body()
            release(cid)
            return value
        } catch {
            release(cid)
            throw error
        }
    }

    private func acquire(_ cid: String) async {
        if waiters[cid] == nil {
            waiters[cid] = []
            return
        }
        await withCheckedContinuation { waiters[cid]!.append($0) }
    }

    private func release(_ cid: String) {
        guard var queue = waiters[cid] else { return }
        if queue.isEmpty {
            waiters[cid] = nil
        } else {
            let next = queue.removeFirst()
            waiters[cid] = queue
            next.resume()
        }
    }
}
