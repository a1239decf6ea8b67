import Foundation
import Logging

/// Deletes sequenced events older than the retention window, on a timer.
///
/// The reference PDS never prunes, so its sequencer file grows for ever; here a cursor older
/// than the window gets `#info OutdatedCursor` and a replay from the oldest kept event.
public final class RetentionPruner: Sendable {
    /// How long events are kept.
    public let window: Duration
    private let task: Task<Void, Never>

    /// Starts pruning `sequencer` now and then every `interval`.
    public init(sequencer: Sequencer, window: Duration, interval: Duration = .seconds(600),
                logger: Logger = Logger(label: "pds.firehose.retention")) {
        self.window = window
        task = Task {
            while !Task.isCancelled {
                do {
                    let removed = try await RetentionPruner.prune(sequencer, window: window)
                    if removed > 0 { logger.info("pruned \(removed) firehose events older than \(window)") }
                } catch {
                    // A failed prune only delays it: the next tick retries.
                    logger.warning("firehose retention prune failed: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    deinit { task.cancel() }

    /// Stops the timer.
    public func stop() { task.cancel() }

    /// One pass: removes events sequenced more than `window` before `now`.
    @discardableResult
    public static func prune(_ sequencer: Sequencer, window: Duration, now: Date = Date()) async throws -> Int {
        let seconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
        return try await sequencer.prune(before: now.addingTimeInterval(-seconds))
    }
}
