import Foundation
import GRDB
import Testing
@testable import BackupService

/// The drill's comparison of the restored system with the figures recorded at backup time.
@Suite struct DrillCountsTests {
    @Test func accountsRecordsAndReposMustMatchTheManifest() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("drill-counts-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let auth = try DatabaseQueue(path: dir.appendingPathComponent("auth.sqlite").path)
        try auth.write { db in
            try db.execute(sql: "CREATE TABLE account (did TEXT PRIMARY KEY)")
            try db.execute(sql: "INSERT INTO account VALUES ('did:plc:a'), ('did:plc:b')")
        }
        try auth.close()
        let stores = [BackupManifest.Entry(path: "actors/aa/did:plc:a.sqlite", size: 1, sha256: "x", kind: .sqlite),
                      BackupManifest.Entry(path: "actors/bb/did:plc:b.sqlite", size: 1, sha256: "y", kind: .sqlite)]
        let sound = BackupManifest(id: "t", startedAt: Date(), files: stores, counts: ["accounts": 2, "repos": 2, "records": 10])
        #expect(BackupDrill.checkCounts(sound, in: dir, records: 10).isEmpty)

        let problems = BackupDrill.checkCounts(BackupManifest(id: "t", startedAt: Date(), files: Array(stores.prefix(1)),
                                                              counts: ["accounts": 3, "repos": 2, "records": 10]),
                                               in: dir, records: 9)
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.contains("9 records but 10") })
        #expect(problems.contains { $0.contains("2 accounts but 3") })
        #expect(problems.contains { $0.contains("1 account stores but 2") })
    }
}
