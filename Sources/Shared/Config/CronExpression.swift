import Foundation

/// A 5-field cron expression (`minute hour day-of-month month day-of-week`, UTC), as
/// `PDS_BACKUP_SCHEDULE` accepts it: `*`, lists (`1,15`), ranges (`1-5`), steps (`*/15`,
/// `0-30/10`, `5/20`), month and day names (`jan`, `mon`), 0 or 7 for Sunday, and the
/// shorthands `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly`, `@yearly` (`@annually`).
///
/// As in Vixie cron, when both day fields are restricted a day matching either one fires.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    public let minutes: Set<Int>
    public let hours: Set<Int>
    public let daysOfMonth: Set<Int>
    public let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday.
    public let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    public let description: String

    /// Why an expression was refused.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    static let shorthands = ["@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
                             "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *"]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public init(_ text: String) throws(ParseError) {
        let expanded = Self.shorthands[text.lowercased()] ?? text
        let fields = expanded.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 5 else {
            throw ParseError(description: "\(fields.count) fields; a cron expression has 5: minute hour day-of-month month day-of-week")
        }
        minutes = try Self.field(fields[0], "minute", 0...59)
        hours = try Self.field(fields[1], "hour", 0...23)
        daysOfMonth = try Self.field(fields[2], "day-of-month", 1...31)
        months = try Self.field(fields[3], "month", 1...12, names: Self.monthNames, firstName: 1)
        // 7 is Sunday too.
        daysOfWeek = Set(try Self.field(fields[4], "day-of-week", 0...7, names: Self.dayNames, firstName: 0).map { $0 % 7 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        description = text
        // Refuse what can never fire (`0 0 31 2 *`): eight years hold every calendar case.
        guard next(after: Date(timeIntervalSince1970: 946_684_800), horizonDays: 8 * 366) != nil else {
            throw ParseError(description: "it never matches a date")
        }
    }

    /// The first minute strictly after `date` the expression matches, or nil if none within
    /// `horizonDays`.
    public func next(after date: Date, horizonDays: Int = 5 * 366) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Start at the next whole minute.
        let start = Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
        let first = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: start)
        var day = calendar.startOfDay(for: start)
        let sortedHours = hours.sorted(), sortedMinutes = minutes.sorted()
        for offset in 0..<horizonDays {
            if offset > 0 { day = calendar.date(byAdding: .day, value: 1, to: day)! }
            let c = calendar.dateComponents([.month, .day, .weekday], from: day)
            guard months.contains(c.month!), matchesDay(dayOfMonth: c.day!, dayOfWeek: c.weekday! - 1) else { continue }
            let sameDay = offset == 0
            for h in sortedHours where !sameDay || h >= first.hour! {
                for m in sortedMinutes where !sameDay || h > first.hour! || m >= first.minute! {
                    return day.addingTimeInterval(Double(h * 3600 + m * 60))
                }
            }
        }
        return nil
    }

    func matchesDay(dayOfMonth: Int, dayOfWeek: Int) -> Bool {
        let dom = daysOfMonth.contains(dayOfMonth), dow = daysOfWeek.contains(dayOfWeek)
        if dayOfMonthRestricted && dayOfWeekRestricted { return dom || dow }
        return dom && dow
    }

    static func field(_ text: String, _ name: String, _ range: ClosedRange<Int>, names: [String] = [],
                      firstName: Int = 0) throws(ParseError) -> Set<Int> {
        func value(_ s: Substring) throws(ParseError) -> Int {
            if let i = names.firstIndex(of: String(s)) { return i + firstName }
            guard let v = Int(s), range.contains(v) else {
                throw ParseError(description: "\(name) \"\(s)\" is not in \(range.lowerBound)-\(range.upperBound)")
            }
            return v
        }
        var result = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, !pieces[0].isEmpty else { throw ParseError(description: "\(name) \"\(part)\" is malformed") }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s > 0 else { throw ParseError(description: "\(name) step \"\(pieces[1])\" is not a positive number") }
                step = s
            }
            let bounds: ClosedRange<Int>
            if pieces[0] == "*" {
                bounds = range
            } else if let dash = pieces[0].firstIndex(of: "-") {
                let low = try value(pieces[0][..<dash]), high = try value(pieces[0][pieces[0].index(after: dash)...])
                guard low <= high else { throw ParseError(description: "\(name) range \"\(pieces[0])\" runs backwards") }
                bounds = low...high
            } else {
                let v = try value(pieces[0])
                // `5/20` means from 5 to the end in steps of 20.
                bounds = pieces.count == 2 ? v...range.upperBound : v...v
            }
            result.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return result
    }
}

/// When a recurring job runs: every so many seconds, or at the minutes a cron expression names.
public enum Schedule: Sendable, Equatable, CustomStringConvertible {
    case every(seconds: Int)
    case cron(CronExpression)

    /// The next run after `date` (for an interval: one interval later).
    public func next(after date: Date) -> Date? {
        switch self {
        case .every(let seconds): date.addingTimeInterval(Double(seconds))
        case .cron(let expression): expression.next(after: date)
        }
    }

    public var description: String {
        switch self {
        case .every(let seconds): "every \(seconds) s"
        case .cron(let expression): "cron \"\(expression.description)\" (UTC)"
        }
    }
}
