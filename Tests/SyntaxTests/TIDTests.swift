import Foundation
import Synchronization
import Testing
import Syntax

@Suite struct TIDTests {
    @Test func roundTripsTimestampAndClockID() throws {
        let tid = TID(timestampMicros: 1_700_000_000_123_456, clockID: 0x2A5)
        #expect(tid.timestampMicros == 1_700_000_000_123_456)
        #expect(tid.clockID == 0x2A5)
        #expect(tid.string.utf8.count == 13)
        let reparsed = try TID(tid.string)
        #expect(reparsed == tid)
        #expect(reparsed.timestampMicros == tid.timestampMicros)
    }

    @Test func knownEncoding() throws {
        #expect(TID(integer: 0).string == "2222222222222")
        #expect(TID(timestampMicros: 0, clockID: 31).string == "222222222222z")
        #expect(TID(timestampMicros: TID.maxTimestampMicros, clockID: TID.maxClockID).string == "bzzzzzzzzzzzz")
        let parsed = try TID("3jzfcijpj2z2a")
        #expect(TID(integer: parsed.integer) == parsed)
    }

    @Test func masksOutOfRangeInputs() {
        let tid = TID(timestampMicros: UInt64.max, clockID: UInt16.max)
        #expect(tid.timestampMicros == TID.maxTimestampMicros)
        #expect(tid.clockID == TID.maxClockID)
        #expect(TID.isValid(tid.string))
    }

    @Test func comparesLikeTimestamps() {
        let a = TID(timestampMicros: 1000, clockID: 999)
        let b = TID(timestampMicros: 1001, clockID: 0)
        #expect(a < b)
        #expect(TID(timestampMicros: 1001, clockID: 1) > b)
    }

    @Test func clockIsMonotonicAcrossManyCalls() {
        let clock = TIDClock()
        var previous = clock.next()
        for _ in 0..<50_000 {
            let next = clock.next()
            #expect(next > previous, "\(next) not after \(previous)")
            #expect(next.clockID == clock.clockID)
            previous = next
        }
    }

    @Test func clockUsesWallTime() {
        let before = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        let tid = TIDClock().next()
        let after = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        #expect(tid.timestampMicros >= before && tid.timestampMicros <= after + 1)
    }

    @Test func clockBumpsWhenTimeStandsStillOrGoesBackwards() {
        let times = Mutex<[UInt64]>([500, 500, 400, 100, 900])
        let clock = TIDClock(clockID: 7) { times.withLock { $0.removeFirst() } }
        let stamps = (0..<5).map { _ in clock.next().timestampMicros }
        #expect(stamps == [500, 501, 502, 503, 900])
        #expect(clock.clockID == 7)
    }

    @Test func clockIsMonotonicAcrossThreads() async {
        let clock = TIDClock()
        let perTask = 5_000
        let all = await withTaskGroup(of: [TID].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<perTask).map { _ in clock.next() } }
            }
            var collected: [[TID]] = []
            for await batch in group { collected.append(batch) }
            return collected
        }
        for batch in all {
            #expect(zip(batch, batch.dropFirst()).allSatisfy { $0 < $1 }, "a task saw TIDs go backwards")
        }
        let flat = all.flatMap { $0 }
        #expect(Set(flat).count == flat.count, "duplicate TIDs across tasks")
    }

    @Test func sharedClockExists() {
        #expect(TIDClock.shared.next() < TIDClock.shared.next())
    }
}
