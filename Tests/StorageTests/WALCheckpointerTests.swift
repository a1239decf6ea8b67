import Foundation
import GRDB
import Storage
import Testing

/// Checkpoints run beside the writer: the WAL stays bounded while nothing in the writer's
/// commits checkpoints, and detaching gives SQLite its automatic checkpoints back.
@Suite struct WALCheckpointerTests {
    static func walBytes(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int) ?? 0
    }

    @Test func theWALStaysBoundedWithCheckpointsOffTheWritersPath() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("db.sqlite").path
        let pool = try DatabasePool(path: path, configuration: SQLiteOptions().configuration)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)") }
        let blob = Data(repeating: 7, count: 3_000)
        weak var released: WALCheckpointer?
        do {
            let checkpointer = try WALCheckpointer.attach(to: pool, path: path, threshold: 50, limit: 400)
            released = checkpointer
            #expect(try await pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 0)

            // 2,000 commits of a page or more each (over 8 MB of WAL if nothing checkpointed).
            for i in 0..<2_000 {
                try await pool.write { db in try db.execute(sql: "INSERT INTO t (id, v) VALUES (?, ?)", arguments: [i, blob]) }
                if i % 100 == 99 { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect(checkpointer.checkpoints > 0)
            #expect(Self.walBytes(path) < 8_000_000, "the WAL started over at least once")
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 2_000)

            // A checkpoint on the checkpointer's own connection with no write under way finishes,
            // and the next commit starts the WAL over: it then holds that commit's frames alone.
            checkpointer.waitForCheckpoint()
            checkpointer.checkpoint()
            try await pool.write { db in try db.execute(sql: "INSERT INTO t (id, v) VALUES (?, ?)", arguments: [2_000, blob]) }
            let log = try await pool.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
            #expect((log?[1] as Int?).map { $0 < 10 } == true, "WAL frames after the restart: \(String(describing: log))")
        }

        // Once its checkpointer is gone, the writer checkpoints itself again at SQLite's
        // 1,000 frames: 1,500 more commits leave fewer than that in the WAL.
        #expect(released == nil, "nothing else keeps the checkpointer")
        for i in 2_001..<3_501 {
            try await pool.write { db in try db.execute(sql: "INSERT INTO t (id, v) VALUES (?, ?)", arguments: [i, blob]) }
        }
        let after = try await pool.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        #expect((after?[1] as Int?).map { $0 < 1_000 } == true, "WAL frames: \(String(describing: after))")
    }

    @Test func aRemovedDatabaseIsNotRecreated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("db.sqlite").path
        var pool: DatabasePool? = try DatabasePool(path: path, configuration: SQLiteOptions().configuration)
        let checkpointer = try WALCheckpointer.attach(to: pool!, path: path)
        pool = nil
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        checkpointer.checkpoint()
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
