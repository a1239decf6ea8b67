import BackupService
import Foundation
import GRDB
import Storage
import Testing

@Suite struct LocalBackupTests {
    final class Dirs {
        let root: URL
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-backup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }
        var data: URL { root.appendingPathComponent("data") }
        var backups: URL { root.appendingPathComponent("backups") }
        var restored: URL { root.appendingPathComponent("restored") }
        deinit { try? FileManager.default.removeItem(at: root) }
    }

    /// A tiny live data directory: one database, one key, two blobs.
    func makeData(_ d: Dirs) throws -> DatabasePool {
        try FileManager.default.createDirectory(at: d.data.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        let pool = try DatabasePool(path: d.data.appendingPathComponent("auth.sqlite").path)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE t (v TEXT)")
            for i in 0..<100 { try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: ["row \(i)"]) }
        }
        try Data("ES256K 00ff".utf8).write(to: d.data.appendingPathComponent("key"))
        try Data(repeating: 7, count: 5000).write(to: d.data.appendingPathComponent("blobs/a"))
        try Data(repeating: 9, count: 3000).write(to: d.data.appendingPathComponent("blobs/b"))
        return pool
    }

    func backup(_ d: Dirs, _ pool: DatabasePool, at date: Date, cipher: BackupCipher? = nil) throws -> (BackupManifest, copied: Int) {
        let target = LocalBackupTarget(root: d.backups, cipher: cipher)
        let id = BackupManifest.id(for: date)
        var manifest = BackupManifest(id: id, startedAt: date, counts: ["rows": 100])
        _ = try SQLiteSnapshot.write(pool, to: target.filesDirectory(id).appendingPathComponent("auth.sqlite"))
        manifest.files.append(try target.recordFile(as: "auth.sqlite", kind: .sqlite, backup: id))
        manifest.files.append(try target.addFile(d.data.appendingPathComponent("key"), as: "key", kind: .key, backup: id))
        var copied = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: d.data.appendingPathComponent("blobs").path).sorted() {
            let (entry, didCopy) = try target.addBlob(d.data.appendingPathComponent("blobs/\(name)"), as: "blobs/\(name)")
            manifest.files.append(entry)
            if didCopy { copied += 1 }
        }
        return (try target.finish(manifest), copied)
    }

    /// Encrypted: nothing stored is plaintext; the right key restores byte-identical files; a
    /// damaged file fails the restore naming it, and the new directory is left absent.
    @Test func encryptedBackupRestoresAndRefusesDamage() async throws {
        let d = try Dirs()
        let pool = try makeData(d)
        let cipher = try BackupCipher(text: String(repeating: "9e", count: 32))
        let (manifest, _) = try backup(d, pool, at: Date(timeIntervalSince1970: 1_700_000_000), cipher: cipher)
        #expect(manifest.complete && manifest.encryption != nil)
        let target = LocalBackupTarget(root: d.backups, cipher: cipher)
        let storedDB = try Data(contentsOf: target.filesDirectory(manifest.id).appendingPathComponent("auth.sqlite"))
        #expect(!storedDB.starts(with: Data("SQLite format 3".utf8)))
        let blob = try #require(manifest.files.first { $0.kind == .blob })
        #expect(try Data(contentsOf: target.location(of: blob, backup: manifest.id)).range(of: Data(repeating: 7, count: 64)) == nil)
        #expect(try target.verify(manifest).isEmpty)
        _ = try await BackupRestore.restore(manifest.id, from: target, to: d.restored, cipher: cipher)
        for name in ["key", "blobs/a", "blobs/b"] {
            #expect(try Data(contentsOf: d.restored.appendingPathComponent(name)) == Data(contentsOf: d.data.appendingPathComponent(name)), "\(name)")
        }
        try FileManager.default.removeItem(at: d.restored)
        let keyFile = target.filesDirectory(manifest.id).appendingPathComponent("key")
        var damaged = try Data(contentsOf: keyFile)
        damaged[damaged.count - 3] ^= 0x08
        try damaged.write(to: keyFile)
        #expect(try target.verify(manifest).contains { $0.contains("key") })
        await #expect { try await BackupRestore.restore(manifest.id, from: target, to: d.restored, cipher: cipher) } throws: {
            "\($0)".contains("key")
        }
        #expect(!FileManager.default.fileExists(atPath: d.restored.path), "a failed restore left files behind")
    }

    @Test func backupRestoreAndIncrementalBlobs() async throws {
        let d = try Dirs()
        let pool = try makeData(d)
        let (first, copied1) = try backup(d, pool, at: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(first.complete && copied1 == 2)
        // A second backup with one new blob copies only that one.
        try Data(repeating: 1, count: 100).write(to: d.data.appendingPathComponent("blobs/c"))
        let (_, copied2) = try backup(d, pool, at: Date(timeIntervalSince1970: 1_700_086_400))
        #expect(copied2 == 1)
        let restored = try await BackupRestore.restore(first.id, from: LocalBackupTarget(root: d.backups), to: d.restored)
        #expect(BackupRestore.checkDatabases(restored, in: d.restored).isEmpty)
        let queue = try DatabaseQueue(path: d.restored.appendingPathComponent("auth.sqlite").path)
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM t") } == 100)
        #expect(try Data(contentsOf: d.restored.appendingPathComponent("blobs/a")) == Data(repeating: 7, count: 5000))
        let keyAttrs = try FileManager.default.attributesOfItem(atPath: d.restored.appendingPathComponent("key").path)
        #expect((keyAttrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // Restoring over a non-empty directory is refused.
        await #expect(throws: BackupError.self) { try await BackupRestore.restore(first.id, from: LocalBackupTarget(root: d.backups), to: d.restored) }
    }

    @Test func corruptionIsFound() async throws {
        let d = try Dirs()
        let pool = try makeData(d)
        let (m, _) = try backup(d, pool, at: Date(timeIntervalSince1970: 1_700_000_000))
        let target = LocalBackupTarget(root: d.backups)
        // Flip a byte in the snapshot, delete a pooled blob.
        let snap = target.filesDirectory(m.id).appendingPathComponent("auth.sqlite")
        var bytes = try Data(contentsOf: snap)
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: snap)
        try FileManager.default.removeItem(at: target.location(of: m.files.first { $0.path == "blobs/b" }!, backup: m.id))
        let problems = try target.verify(m)
        #expect(problems.contains { $0.contains("auth.sqlite") })
        #expect(problems.contains { $0.contains("blobs/b") && $0.contains("missing") })
        await #expect(throws: BackupError.self) { try await BackupRestore.restore(m.id, from: target, to: d.restored) }
    }

    @Test func retentionKeepsDailyAndWeekly() {
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        // 40 days of daily backups, plus an extra one on the last day and a failed one.
        var backups: [(id: String, startedAt: Date, complete: Bool)] = (0..<40).map { i in
            ("d\(i)", start.addingTimeInterval(Double(i) * day), true)
        }
        backups.append(("d39b", start.addingTimeInterval(39 * day + 3600), true))
        backups.append(("failed", start.addingTimeInterval(20 * day), false))
        backups.append(("running", start.addingTimeInterval(41 * day), false))
        let delete = Set(BackupRetention(daily: 7, weekly: 4).toDelete(backups))
        #expect(!delete.contains("d39b"))      // newest complete
        #expect(delete.contains("d39"))        // older backup of a kept day
        #expect(!delete.contains("d33"))       // within the last 7 days
        #expect(delete.contains("failed"))
        #expect(!delete.contains("running"))
        let kept = backups.count - delete.count
        #expect(kept >= 7 && kept <= 7 + 4 + 1)
        #expect(BackupRetention().toDelete([("x", start, false)]).isEmpty) // nothing complete: keep everything
        // Backups started within one second (manifest times have whole seconds): the later id is the newer.
        #expect(BackupRetention().toDelete([("20261126-013405", start, true), ("20261126-013405b", start, true)]) == ["20261126-013405"])
        #expect(BackupRetention().toDelete([("20261126-013405b", start, true), ("20261126-013405", start, true)]) == ["20261126-013405"])
    }
}
