import Foundation
import Testing
@testable import BackupService

/// When backup warnings reach the log.
@Suite struct BackupAlertsTests {
    @Test func loggedWhenTheyAppearThenHourlyWhileTheyLast() {
        var alerts = BackupAlerts()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(alerts.due([], now: start).isEmpty)
        #expect(alerts.due(["stale"], now: start) == ["stale"])
        #expect(alerts.due(["stale"], now: start + 600).isEmpty)
        #expect(alerts.due(["stale", "disk"], now: start + 1200) == ["disk"])
        #expect(alerts.due(["stale", "disk"], now: start + 3600) == ["stale"])
        // Gone, then back: logged again at once.
        #expect(alerts.due(["stale"], now: start + 3700).isEmpty)
        #expect(alerts.due(["stale", "disk"], now: start + 3800) == ["disk"])
    }
}
