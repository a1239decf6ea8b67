import Dispatch
import Synchronization

/// Watches one `subscribeRepos` connection's writes: when a frame has waited longer than the
/// deadline to be taken by the socket (the client stopped reading and its TCP window is full),
/// the connection is too slow.
///
/// WebSocket writes wait while the channel is not writable, so a client that never reads
/// parks its writer for ever; the hub's bounded queue then fills, but nothing would close
/// the connection. This is what notices.
final class WriteDeadline: Sendable {
    /// Uptime in nanoseconds when the pending write started; 0 when no write is pending.
    private let pendingSince = Atomic<UInt64>(0)
    let limit: Duration

    init(limit: Duration) { self.limit = limit }

    /// Runs one write, timing it.
    func timing<T>(_ write: () async throws -> T) async rethrows -> T {
        pendingSince.store(max(DispatchTime.now().uptimeNanoseconds, 1), ordering: .relaxed)
        defer { pendingSince.store(0, ordering: .relaxed) }
        return try await write()
    }

    /// Whether the pending write (if any) has waited longer than the limit.
    var isOverdue: Bool {
        let since = pendingSince.load(ordering: .relaxed)
        guard since != 0 else { return false }
        let waited = Duration.nanoseconds(Int64(clamping: DispatchTime.now().uptimeNanoseconds &- since))
        return waited > limit
    }

    /// Returns true when a write is overdue or `alsoWhen` holds, false when cancelled first.
    /// It checks a few times per limit, so a cut-off comes at most a quarter of the limit late.
    func overdue(alsoWhen other: @Sendable () -> Bool = { false }) async -> Bool {
        let every = max(limit / 4, .milliseconds(25))
        while !Task.isCancelled {
            do { try await Task.sleep(for: every) } catch { return false }
            if isOverdue || other() { return true }
        }
        return false
    }
}
