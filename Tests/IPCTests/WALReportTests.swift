import Foundation
import IPC
import Testing

/// The WAL survey behind `_health`'s write-ahead log figures.
@Suite struct WALReportTests {
    func write(_ path: String, bytes: Int) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: bytes))
    }

    @Test func surveysFilesAndDirectoriesLargestFirst() throws {
        let root = NSTemporaryDirectory() + "wal-survey-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/actors/ab", withIntermediateDirectories: true)
        write(root + "/auth.sqlite", bytes: 10)
        write(root + "/auth.sqlite-wal", bytes: 300)
        write(root + "/actors/ab/did-a.sqlite-wal", bytes: 500)
        write(root + "/actors/ab/did-b.sqlite-wal", bytes: 100)
        write(root + "/actors/ab/did-b.sqlite-shm", bytes: 999)   // not a WAL
        for i in 0..<6 { write(root + "/actors/ab/small-\(i).sqlite-wal", bytes: i) }

        let report = WALReport.survey([root + "/auth.sqlite", root + "/actors", root + "/missing.sqlite"])
        #expect(report.files == 9)
        #expect(report.totalBytes == 300 + 500 + 100 + (0 + 1 + 2 + 3 + 4 + 5))
        #expect(report.largest.count == WALReport.largestKept)
        #expect(report.largest.map(\.bytes) == [500, 300, 100, 5, 4])
        #expect(report.largest[0].path == root + "/actors/ab/did-a.sqlite-wal")
    }

    @Test func pingSurveysOnlyWhenAsked() {
        let identity = ProcessIdentity(service: .auth, version: "test")
        let dir = NSTemporaryDirectory()
        #expect(identity.ping(PingRequest(), databases: [dir]).wal == nil)
        #expect(identity.ping(PingRequest(includeWAL: true), databases: ["/nonexistent/x.sqlite"]).wal
                == WALReport(totalBytes: 0, files: 0, largest: []))
    }
}
