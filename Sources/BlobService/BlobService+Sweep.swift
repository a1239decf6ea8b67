import Foundation
import IPLD

/// What one garbage-collection sweep did.
public struct SweepReport: Sendable, Equatable {
    /// Account rows of temporary blobs removed.
    public var expiredRows = 0
    /// Blobs whose bytes were deleted from the store.
    public var deletedBlobs = 0
    /// Bytes removed from account totals.
    public var freedBytes: Int64 = 0
    /// Bytes of interrupted writes (a crash between storing and recording) removed.
    public var orphansRemoved = 0
}

extension BlobService {
    /// Deletes blobs that are temporary (never referenced, or no longer) and older than
    /// `tempTTL` at `now`. A referenced blob is never deleted; bytes shared with another
    /// account's row stay until the last row goes.
    public func sweep(now: Date = Date()) async throws -> SweepReport {
        let cutoff = now.addingTimeInterval(-config.tempTTL)
        var report = SweepReport()
        while true {
            let batch = try await index.expired(before: cutoff, limit: 500)
            if batch.isEmpty { break }
            let before = report.expiredRows
            for (did, cid) in batch {
                let deleted = try await locks.withLock(cid) { () -> (Int64?, Bool) in
                    let (freed, stillHeld) = try await self.index.deleteIfExpired(did: did, cid: cid, before: cutoff)
                    if freed != nil, !stillHeld { try await self.store.delete(try CID(string: cid)) }
                    return (freed, freed != nil && !stillHeld)
                }
                if let freed = deleted.0 {
                    report.expiredRows += 1
                    report.freedBytes += freed
                }
                if deleted.1 { report.deletedBlobs += 1 }
            }
            // A short batch is the last; one that freed nothing would only repeat itself.
            if batch.count < 500 || report.expiredRows == before { break }
        }
        for cid in try await index.stalePending(before: cutoff) {
            let removed = try await locks.withLock(cid) { () -> Bool in
                let held = try await self.index.isHeld(cid: cid)
                if !held { try await self.store.delete(try CID(string: cid)) }
                try await self.index.clearPending(cid: cid)
                return !held
            }
            if removed { report.orphansRemoved += 1 }
        }
        return report
    }

    /// Sweeps every `interval` until the task is cancelled; a failed sweep is retried at the
    /// next tick (`onError` hears about it).
    public func sweepPeriodically(every interval: Duration, onError: @Sendable (any Error) -> Void = { _ in }) async {
        while !Task.isCancelled {
            do { _ = try await sweep() } catch { onError(error) }
            try? await Task.sleep(for: interval)
        }
    }
}
