import Foundation
@testable import pds
import Synchronization
import Testing

/// `pds up`'s per-process log files: rotation by size and by age, removal of old rotations.
@Suite struct RotatingLogFileTests {
    /// A clock the test moves by hand.
    final class FakeClock: Sendable {
        let time = Mutex(Date())
        func now() -> Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    func directory() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("logs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func line(_ n: Int) -> [UInt8] { Array(String(format: "line %05d %@\n", n, String(repeating: "x", count: 88)).utf8) }   // 100 bytes

    @Test func rotatesBySizeKeepingEveryLine() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = FakeClock()
        let log = RotatingLogFile(directory: dir, name: "gateway", policy: .init(maxBytes: 1000, maxAge: 3600, retention: 86400),
                                  now: { clock.now() })
        for i in 0..<25 { log.write(line(i)); clock.advance(1) }
        let rotated = log.rotatedFiles()
        #expect(rotated.count == 2)
        for file in rotated { #expect(try Data(contentsOf: file).count == 1000) }
        let current = try String(contentsOfFile: log.path, encoding: .utf8)
        #expect(current.hasPrefix("line 00020"))
        // Nothing lost, nothing repeated, in order.
        let all = try (rotated + [URL(fileURLWithPath: log.path)]).map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        #expect(all == (0..<25).map { String(decoding: line($0), as: UTF8.self) }.joined())
    }

    @Test func rotatesByAgeAndRemovesExpiredRotations() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A rotation left by an earlier run, 20 days old, and an unrelated file.
        let stale = dir.appendingPathComponent("repo.log.20260101T000000Z")
        let other = dir.appendingPathComponent("notes.txt")
        for file in [stale, other] {
            _ = FileManager.default.createFile(atPath: file.path, contents: Data("old\n".utf8))
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-20 * 86400)], ofItemAtPath: file.path)
        }
        let log = RotatingLogFile(directory: dir, name: "repo", policy: .init(maxBytes: 1 << 30, maxAge: 3600, retention: 14 * 86400))
        #expect(!FileManager.default.fileExists(atPath: stale.path), "a rotation older than the retention survived start")
        #expect(FileManager.default.fileExists(atPath: other.path), "a file that is not this log's was removed")
        log.write(line(1))
        #expect(log.rotatedFiles().isEmpty)

        let clock = FakeClock()
        let aging = RotatingLogFile(directory: dir, name: "auth", policy: .init(maxBytes: 1 << 30, maxAge: 3600, retention: 14 * 86400),
                                    now: { clock.now() })
        aging.write(line(1))
        clock.advance(1800)
        aging.write(line(2))
        #expect(aging.rotatedFiles().isEmpty)
        clock.advance(1801)
        aging.write(line(3))
        #expect(aging.rotatedFiles().count == 1)
        #expect(try String(contentsOfFile: aging.path, encoding: .utf8) == String(decoding: line(3), as: UTF8.self))
    }
}
