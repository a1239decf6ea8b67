import Foundation
import Testing
import Syntax

@Suite struct DatetimeTests {
    @Test func parsesComponents() throws {
        let dt = try ATDatetime("1985-04-12T23:20:50.123456789123Z")
        let fields: [Int] = [dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second]
        #expect(fields == [1985, 4, 12, 23, 20, 50])
        #expect(dt.nanosecond == 123_456_789)
        #expect(dt.offsetMinutes == 0)
        #expect(dt.date == Date(timeIntervalSince1970: 482_196_050.123456789))
    }

    @Test func appliesOffsets() throws {
        let a = try ATDatetime("1985-04-12T23:20:50.123-07:00")
        let b = try ATDatetime("1985-04-13T06:20:50.123Z")
        #expect(a.offsetMinutes == -420)
        #expect(a.epochSeconds == b.epochSeconds)
        #expect(a.date == b.date)
        #expect(a != b && (a < b) != (b < a))   // same instant, different text: still a total order
        #expect(try ATDatetime("1985-04-12T23:20:50+01:45").offsetMinutes == 105)
    }

    @Test func leapDays() {
        #expect(ATDatetime.isValid("2024-02-29T00:00:00Z"))
        #expect(!ATDatetime.isValid("2023-02-29T00:00:00Z"))
        #expect(ATDatetime.isValid("2000-02-29T00:00:00Z"))
        #expect(!ATDatetime.isValid("1900-02-29T00:00:00Z"))
        #expect(!ATDatetime.isValid("2024-04-31T00:00:00Z"))
        #expect(!ATDatetime.isValid("2024-04-30T00:00:00+24:00"))
        #expect(ATDatetime.isWellFormed("2024-04-30T00:00:00+24:00"))
    }

    @Test func yearZeroBoundary() throws {
        #expect(try ATDatetime("0000-01-01T00:00:00.000Z").epochSeconds == -62_167_219_200)
        #expect(ATDatetime.isValid("0000-01-01T00:00:00-01:00"))
        #expect(!ATDatetime.isValid("0000-01-01T00:00:00+01:00"))
    }

    @Test func formatsDates() throws {
        let date = Date(timeIntervalSince1970: 482_196_050.123)
        let dt = ATDatetime(date)
        #expect(dt.string == "1985-04-12T23:20:50.123Z")
        #expect(abs(dt.date.timeIntervalSince(date)) < 0.001)
        #expect(ATDatetime(Date(timeIntervalSince1970: -1)).string == "1969-12-31T23:59:59.000Z")
        #expect(ATDatetime.isValid(ATDatetime.now().string))
    }
}
