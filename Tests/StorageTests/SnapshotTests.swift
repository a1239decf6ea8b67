import Foundation
import GRDB
import Storage
import Testing

@Suite struct SnapshotTests {
    @Test func snapshotWhileWritingIsConsistent() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-snap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = try DatabasePool(path: dir.appendingPathComponent("live.sqlite").path, configuration: SQLiteOptions().configuration)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
        let writer = Task {
            for i in 0..<2000 {
                try await pool.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: ["row \(i)"]) }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        let snap = try SQLiteSnapshot.write(pool, to: dir.appendingPathComponent("backup/copy.sqlite"))
        try await writer.value
        #expect(snap.size > 0 && snap.sha256.count == 64)
        // The copy is one self-contained file that opens and holds a prefix of the writes.
        #expect(!FileManager.default.fileExists(atPath: snap.path + "-wal"))
        let copy = try DatabaseQueue(path: snap.path)
        let (count, maxID) = try await copy.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t")!, try Int.fetchOne(db, sql: "SELECT MAX(id) FROM t") ?? 0)
        }
        #expect(count == maxID)
        #expect(count <= 2000)
        #expect(try SQLiteSnapshot.describe(URL(fileURLWithPath: snap.path)) == snap)
    }

    @Test func disablingAutoCheckpointLetsTheWALGrow() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func fill(_ options: SQLiteOptions, _ name: String) async throws -> Int64 {
            let path = dir.appendingPathComponent(name).path
            let pool = try DatabasePool(path: path, configuration: options.configuration)
            try await pool.write { db in try db.execute(sql: "CREATE TABLE t (v BLOB)") }
            for _ in 0..<200 {
                try await pool.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES (zeroblob(20000))") }
            }
            return WALStatus.size(ofDatabaseAt: path)
        }
        let normal = try await fill(SQLiteOptions(), "normal.sqlite")
        let disabled = try await fill(SQLiteOptions(environment: ["PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT": "true"]), "litestream.sqlite")
        #expect(disabled > 4_000_000)
        #expect(normal < disabled)
    }
}
