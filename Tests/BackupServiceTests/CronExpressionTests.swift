import Config
import Foundation
import Testing

/// Next-fire computation of `PDS_BACKUP_SCHEDULE` cron expressions (UTC), and refusal of bad ones.
@Suite struct CronExpressionTests {
    /// `yyyy-MM-dd HH:mm` UTC.
    static func date(_ s: String) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.date(from: s.count == 16 ? s + ":00" : s)!
    }

    func next(_ expression: String, after: String) throws -> Date? {
        try CronExpression(expression).next(after: Self.date(after))
    }

    @Test(arguments: [
        // expression, after, expected next
        ("*/15 * * * *", "2026-03-10 10:07", "2026-03-10 10:15"),
        ("*/15 * * * *", "2026-03-10 10:15", "2026-03-10 10:30"),      // strictly after
        ("*/15 * * * *", "2026-03-10 10:15:30", "2026-03-10 10:30"),
        ("*/15 * * * *", "2026-03-10 23:59", "2026-03-11 00:00"),
        ("30 3 * * *", "2026-03-10 03:30", "2026-03-11 03:30"),
        ("30 3 * * *", "2026-03-10 02:00", "2026-03-10 03:30"),
        ("0 0 1 * *", "2026-12-15 12:00", "2027-01-01 00:00"),         // year rolls over
        ("0 12 * * mon-fri", "2026-03-13 12:00", "2026-03-16 12:00"),  // Friday noon → Monday
        ("0 12 * * 1-5", "2026-03-14 08:00", "2026-03-16 12:00"),      // Saturday → Monday
        ("0 0 * * 7", "2026-03-10 00:00", "2026-03-15 00:00"),         // 7 is Sunday
        ("0 0 * * 0", "2026-03-10 00:00", "2026-03-15 00:00"),
        ("0 0 29 2 *", "2026-03-01 00:00", "2028-02-29 00:00"),        // next leap day
        ("5,35 9-10 * * *", "2026-03-10 09:35", "2026-03-10 10:05"),
        ("0-30/10 * * * *", "2026-03-10 10:31", "2026-03-10 11:00"),
        ("5/20 * * * *", "2026-03-10 10:26", "2026-03-10 10:45"),
        ("0 0 13 * fri", "2026-03-01 00:00", "2026-03-06 00:00"),      // both days restricted: either matches (Fri 6th)
        ("0 0 1 jan,jul *", "2026-02-01 00:00", "2026-07-01 00:00"),
        ("@daily", "2026-03-10 10:00", "2026-03-11 00:00"),
        ("@hourly", "2026-03-10 10:00", "2026-03-10 11:00"),
        ("@weekly", "2026-03-10 10:00", "2026-03-15 00:00"),
    ])
    func nextFire(_ expression: String, _ after: String, _ expected: String) throws {
        #expect(try next(expression, after: after) == Self.date(expected))
    }

    @Test(arguments: ["* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
                      "*/0 * * * *", "5-1 * * * *", "a * * * *", "0 0 31 2 *", "1,,2 * * * *", "@often"])
    func refused(_ expression: String) {
        #expect(throws: CronExpression.ParseError.self) { try CronExpression(expression) }
    }

    @Test func theConfigurationAcceptsIntervalsAndCronAndRefusesTheRest() throws {
        let cron = try PDSConfig(environment: ["PDS_BACKUP_SCHEDULE": "30 3 * * *"])
        #expect(cron.backupSchedule == .cron(try CronExpression("30 3 * * *")))
        #expect(try PDSConfig(environment: ["PDS_BACKUP_SCHEDULE": "6h"]).backupSchedule == .every(seconds: 6 * 3600))
        #expect(try PDSConfig(environment: [:]).backupSchedule == .every(seconds: 86_400))
        #expect(try PDSConfig(environment: ["PDS_BACKUP_SCHEDULE": "off"]).backupSchedule == nil)
        #expect(try PDSConfig(environment: ["PDS_BACKUP_DRILL_SCHEDULE": "@weekly"]).backupDrillSchedule == .cron(try CronExpression("@weekly")))
        #expect { try PDSConfig(environment: ["PDS_BACKUP_SCHEDULE": "61 * * * *"]) } throws: { error in
            "\(error)".contains("PDS_BACKUP_SCHEDULE") && "\(error)".contains("minute")
        }
        #expect { try PDSConfig(environment: ["PDS_BACKUP_SCHEDULE": "sometimes"]) } throws: { error in
            "\(error)".contains("PDS_BACKUP_SCHEDULE")
        }
    }
}
