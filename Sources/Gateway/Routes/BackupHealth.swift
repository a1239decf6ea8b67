import Foundation
import IPC

/// The backup figures in `_health`: newest complete backup, last drill, warnings (stale
/// backup, failed drill, disk over 90%).
struct BackupHealth: Encodable {
    var backups: Int
    var lastCompleteBackup: String?
    var lastCompleteAt: Date?
    var lastDrillAt: Date?
    var lastDrillPassed: Bool?
    var warnings: [String]

    static func read(_ backup: BackupServiceClient) async -> BackupHealth? {
        guard let s = try? await backup.caller.call(BackupMethods.status, Empty(), timeout: .milliseconds(500)) else { return nil }
        return BackupHealth(backups: s.backups, lastCompleteBackup: s.lastCompleteID, lastCompleteAt: s.lastCompleteAt,
                            lastDrillAt: s.lastDrillAt, lastDrillPassed: s.lastDrillPassed, warnings: s.warnings)
    }
}
