import Foundation

/// Which backups to keep: the newest complete backup of each of the last `daily` days and
/// of each of the last `weekly` ISO weeks. Older ones are deleted only while a newer
/// complete backup exists (the newest complete one is always kept); incomplete backups
/// older than the newest complete one are removed.
public struct BackupRetention: Sendable, Equatable {
    public var daily: Int
    public var weekly: Int

    public init(daily: Int = 7, weekly: Int = 4) {
        self.daily = daily
        self.weekly = weekly
    }

    /// The ids among `backups` (id, start time, complete) to delete.
    public func toDelete(_ backups: [(id: String, startedAt: Date, complete: Bool)]) -> [String] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Ids break ties: manifests keep start times to the second, and ids of backups started in
        // the same second sort in start order (`…-120000`, `…-120000b`).
        let complete = backups.filter(\.complete).sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
        guard let newest = complete.first else { return [] }
        var keep: Set<String> = [newest.id]
        var days = Set<DateComponents>(), weeks = Set<DateComponents>()
        for b in complete {
            let day = calendar.dateComponents([.year, .month, .day], from: b.startedAt)
            if days.count < daily, days.insert(day).inserted { keep.insert(b.id) }
            let week = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: b.startedAt)
            if weeks.count < weekly, weeks.insert(week).inserted { keep.insert(b.id) }
        }
        return backups.filter { b in
            if keep.contains(b.id) { return false }
            // An incomplete backup newer than the newest complete one may still be running.
            if !b.complete && b.startedAt > newest.startedAt { return false }
            return true
        }.map(\.id)
    }
}
