import Foundation

/// A datetime in the atproto profile: the intersection of RFC 3339 and ISO 8601.
///
/// Shape: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with upper-case `T` and `Z`, exact zero
/// padding, at least one fraction digit when a `.` is present, a mandatory timezone, and no
/// `-00:00` (RFC 3339's "unknown offset", which ISO 8601 does not have). At most 64 characters.
/// Parsing also checks the values (month 1–12, real day of month, hour ≤ 23, minute and second
/// ≤ 59, offset ≤ 23:59) and that the instant, in UTC, is not before year 0000.
public struct ATDatetime: SyntaxValue, Comparable {
    public static let maxLength = 64

    public let string: String
    public let year: Int
    public let month: Int
    public let day: Int
    public let hour: Int
    public let minute: Int
    public let second: Int
    /// Fractional seconds as nanoseconds (digits past the ninth are truncated).
    public let nanosecond: Int
    /// The zone offset in minutes east of UTC (`Z` is 0).
    public let offsetMinutes: Int

    public init(_ string: String) throws(SyntaxError) {
        switch ATDatetime.parse(string) {
        case .success(let f):
            self.string = string
            (year, month, day, hour, minute, second, nanosecond, offsetMinutes) =
                (f.year, f.month, f.day, f.hour, f.minute, f.second, f.nanosecond, f.offsetMinutes)
        case .failure(let problem):
            throw SyntaxError(.datetime, input: string, message: problem.message)
        }
    }

    /// Formats `date` in the preferred form, `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, milliseconds).
    public init(_ date: Date) {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let (days, msOfDay) = totalMillis.floorDivMod(86_400_000)
        let (y, m, d) = civil(fromDays: days)
        let ms = Int(msOfDay)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let text = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(ms / 3_600_000, 2)):"
            + "\(pad(ms / 60_000 % 60, 2)):\(pad(ms / 1000 % 60, 2)).\(pad(ms % 1000, 3))Z"
        // Dates from year 0 to 9999 always format validly; anything else is a programming error.
        do { try self.init(text) } catch { preconditionFailure("cannot format \(date) as an atproto datetime") }
    }

    /// The current time in the preferred form.
    public static func now() -> ATDatetime { ATDatetime(Date()) }

    /// Full syntax plus semantic check.
    public static func isValid(_ string: String) -> Bool {
        if case .success = parse(string) { return true }
        return false
    }

    /// Syntax-only check (shape of the string), without checking that the values make sense.
    public static func isWellFormed(_ string: String) -> Bool { scan(string) != nil }

    /// Seconds since the Unix epoch of this instant, as a whole number of seconds.
    public var epochSeconds: Int64 {
        days(fromCivil: year, month, day) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
    }

    /// The instant as a `Date`.
    public var date: Date {
        Date(timeIntervalSince1970: Double(epochSeconds) + Double(nanosecond) / 1e9)
    }

    /// Chronological order (not string order: offsets differ); equal instants written
    /// differently are ordered by their text so the order stays total and agrees with `==`.
    public static func < (lhs: ATDatetime, rhs: ATDatetime) -> Bool {
        (lhs.epochSeconds, lhs.nanosecond, lhs.string) < (rhs.epochSeconds, rhs.nanosecond, rhs.string)
    }

    struct Fields {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, nanosecond = 0, offsetMinutes = 0
        var offsetInRange = true
    }

    struct Problem: Error { let message: String }

    static func parse(_ string: String) -> Result<Fields, Problem> {
        guard let f = scan(string) else {
            return .failure(Problem(message: "must look like 1985-04-12T23:20:50.123Z (RFC 3339 with ISO 8601 restrictions)"))
        }
        if !(1...12).contains(f.month) { return .failure(Problem(message: "month out of range")) }
        if f.day < 1 || f.day > daysInMonth(f.year, f.month) { return .failure(Problem(message: "day out of range for month")) }
        if f.hour > 23 { return .failure(Problem(message: "hour out of range")) }
        if f.minute > 59 { return .failure(Problem(message: "minute out of range")) }
        if f.second > 59 { return .failure(Problem(message: "second out of range")) }
        if !f.offsetInRange {
            return .failure(Problem(message: "timezone offset out of range"))
        }
        let seconds = days(fromCivil: f.year, f.month, f.day) * 86_400
            + Int64(f.hour * 3600 + f.minute * 60 + f.second - f.offsetMinutes * 60)
        if seconds < days(fromCivil: 0, 1, 1) * 86_400 {
            return .failure(Problem(message: "normalises to a time before year 0000"))
        }
        return .success(f)
    }

    /// Shape check over bytes; returns the raw numeric fields (not range-checked).
    static func scan(_ string: String) -> Fields? {
        ASCII.withBytes(string) { b -> Fields? in
            guard b.count >= 20, b.count <= maxLength else { return nil }
            func num(_ at: Int, _ width: Int) -> Int? {
                var v = 0
                for i in at..<(at + width) {
                    guard ASCII.isDigit(b[i]) else { return nil }
                    v = v * 10 + Int(b[i] - 0x30)
                }
                return v
            }
            guard let year = num(0, 4), b[4] == ASCII.hyphen, let month = num(5, 2), b[7] == ASCII.hyphen,
                  let day = num(8, 2), b[10] == 0x54 /* T */, let hour = num(11, 2), b[13] == ASCII.colon,
                  let minute = num(14, 2), b[16] == ASCII.colon, let second = num(17, 2)
            else { return nil }
            var fields = Fields(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            var i = 19
            if b[i] == ASCII.dot {
                i += 1
                let start = i
                var nanos = 0
                while i < b.count, ASCII.isDigit(b[i]) {
                    if i - start < 9 { nanos = nanos * 10 + Int(b[i] - 0x30) }
                    i += 1
                }
                if i == start { return nil }
                for _ in min(9, i - start)..<9 { nanos *= 10 }
                fields.nanosecond = nanos
            }
            guard i < b.count else { return nil }
            if b[i] == 0x5A /* Z */ {
                return i + 1 == b.count ? fields : nil
            }
            guard b[i] == 0x2B || b[i] == ASCII.hyphen, b.count - i == 6, b[i + 3] == ASCII.colon,
                  let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
            // "-00:00" means "offset unknown" in RFC 3339 and is not valid ISO 8601.
            if b[i] == ASCII.hyphen, oh == 0, om == 0 { return nil }
            fields.offsetMinutes = (b[i] == ASCII.hyphen ? -1 : 1) * (oh * 60 + om)
            fields.offsetInRange = oh <= 23 && om <= 59
            return fields
        }
    }
}

// Proleptic Gregorian calendar arithmetic (days relative to 1970-01-01), done by hand so that
// years 0000–0099 behave and no Calendar/TimeZone lookup happens on the hot path.

func isLeapYear(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

func daysInMonth(_ y: Int, _ m: Int) -> Int {
    switch m {
    case 2: isLeapYear(y) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = Int64((month + 9) % 12)
    let doy = (153 * mp + 2) / 5 + Int64(day) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

func civil(fromDays days: Int64) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    return (Int(year), Int(month), Int(day))
}

extension Int64 {
    /// Floor division and non-negative remainder (dates before 1970 have negative millis).
    func floorDivMod(_ d: Int64) -> (Int64, Int64) {
        let q = self / d, r = self % d
        return r < 0 ? (q - 1, r + d) : (q, r)
    }
}
