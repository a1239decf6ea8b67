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
        let sealedKey = try Data(contentsOf: keyFile)
        var damaged = sealedKey
        damaged[damaged.count - 3] ^= 0x08
        try damaged.write(to: keyFile)
        #expect(try target.verify(manifest).contains { $0.contains("key") })
        await #expect { try await BackupRestore.restore(manifest.id, from: target, to: d.restored, cipher: cipher) } throws: {
            "\($0)".hasPrefix("key cannot be restored") && "\($0)".contains("does not decrypt")
        }
        #expect(!FileManager.default.fileExists(atPath: d.restored.path), "a failed restore left files behind")
        // Cut short: refused likewise, naming the file.
        try sealedKey.write(to: keyFile)
        let blobURL = target.location(of: blob, backup: manifest.id)
        try Data(contentsOf: blobURL).prefix(100).write(to: blobURL)
        await #expect { try await BackupRestore.restore(manifest.id, from: target, to: d.restored, cipher: cipher) } throws: {
            "\($0)".hasPrefix("\(blob.path) cannot be restored")
        }
        #expect(!FileManager.default.fileExists(atPath: d.restored.path), "a failed restore left files behind")
    }

    /// No key, another key, an altered manifest, a stripped encryption record: each refused
    /// before anything is written; an existing empty directory stays empty.
    @Test func encryptedRestoreNeedsItsKeyAndAnUnalteredManifest() async throws {
        let d = try Dirs()
        let pool = try makeData(d)
        let cipher = try BackupCipher(text: String(repeating: "9e", count: 32))
        let (manifest, _) = try backup(d, pool, at: Date(timeIntervalSince1970: 1_700_000_000), cipher: cipher)
        let keyless = LocalBackupTarget(root: d.backups)
        #expect(try keyless.verify(manifest).contains { $0.contains("is encrypted") })
        try FileManager.default.createDirectory(at: d.restored, withIntermediateDirectories: true)
        func refused(_ needle: String, cipher: BackupCipher?, requireEncryption: Bool = false) async {
            await #expect {
                try await BackupRestore.restore(manifest.id, from: keyless, to: d.restored, cipher: cipher, requireEncryption: requireEncryption)
            } throws: { "\($0)".contains(needle) && "\($0)".contains("nothing was restored") }
            #expect((try? FileManager.default.contentsOfDirectory(atPath: d.restored.path)) == [], "a refused restore wrote into the directory")
        }
        await refused("is encrypted: set PDS_BACKUP_ENCRYPTION_KEY", cipher: nil)
        await refused("is not the key of backup", cipher: try BackupCipher(text: String(repeating: "e9", count: 32)))
        // The manifest is plaintext JSON: an edit of it is found by its MAC.
        let manifestURL = d.backups.appendingPathComponent("backups/\(manifest.id)/manifest.json")
        let original = try Data(contentsOf: manifestURL)
        var edited = manifest
        edited.files[0].sha256 = String(repeating: "0", count: 64)
        try BackupManifest.encode(edited).write(to: manifestURL)
        await refused("was altered", cipher: cipher)
        // With its encryption record removed, a restore given a key refuses it as unencrypted.
        edited = manifest
        edited.encryption = nil
        try BackupManifest.encode(edited).write(to: manifestURL)
        await refused("is not encrypted, but a key was given", cipher: cipher, requireEncryption: true)
        try original.write(to: manifestURL)
        _ = try await BackupRestore.restore(manifest.id, from: keyless, to: d.restored, cipher: cipher, requireEncryption: true)
        #expect(try Data(contentsOf: d.restored.appendingPathComponent("blobs/b")) == Data(repeating: 9, count: 3000))
    }

    /// A new key starts a pool of its own: its first backup copies every blob again, sealed
    /// with it; both backups restore with their own keys; retention empties the old pool.
    @Test func keyChangeStartsANewPool() async throws {
        let d = try Dirs()
        let pool = try makeData(d)
        let first = try BackupCipher(text: String(repeating: "11", count: 32)), second = try BackupCipher(text: String(repeating: "22", count: 32))
        let (one, copied1) = try backup(d, pool, at: Date(timeIntervalSince1970: 1_700_000_000), cipher: first)
        let (again, copiedAgain) = try backup(d, pool, at: Date(timeIntervalSince1970: 1_700_000_100), cipher: first)
        let (two, copied2) = try backup(d, pool, at: Date(timeIntervalSince1970: 1_700_086_400), cipher: second)
        #expect(copied1 == 2 && copiedAgain == 0 && copied2 == 2)
        #expect(two.files.compactMap(\.pooled).allSatisfy { $0.hasPrefix(second.keyID + "/") })
        _ = try await BackupRestore.restore(one.id, from: LocalBackupTarget(root: d.backups, cipher: first), to: d.restored, cipher: first)
        let restored2 = d.root.appendingPathComponent("restored2")
        _ = try await BackupRestore.restore(two.id, from: LocalBackupTarget(root: d.backups, cipher: second), to: restored2, cipher: second)
        #expect(try Data(contentsOf: restored2.appendingPathComponent("blobs/a")) == Data(repeating: 7, count: 5000))
        let target = LocalBackupTarget(root: d.backups, cipher: second)
        try target.delete(one.id)
        #expect(try target.verify(again).contains { $0.contains("is not the key") })
        try target.delete(again.id)
        let pools = d.backups.appendingPathComponent("blobs")
        #expect(try FileManager.default.contentsOfDirectory(atPath: pools.appendingPathComponent(first.keyID).path).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: pools.appendingPathComponent(second.keyID).path).count == 2)
        #expect(try target.verify(two).isEmpty)
    }

    /// What a run cut short left in plaintext (a backup folder with no manifest, staged
    /// blobs) is removed at start; finished backups are not touched.
    @Test func leftoversOfInterruptedRunsAreRemoved() throws {
        let d = try Dirs()
        let pool = try makeData(d)
        let cipher = try BackupCipher(text: String(repeating: "9e", count: 32))
        let target = LocalBackupTarget(root: d.backups, cipher: cipher)
        let (done, _) = try backup(d, pool, at: Date(timeIntervalSince1970: 1_700_000_000), cipher: cipher)
        _ = try SQLiteSnapshot.write(pool, to: target.filesDirectory("20991231-000000").appendingPathComponent("auth.sqlite"))
        _ = try target.addBlob(d.data.appendingPathComponent("blobs/a"), as: "x")
        try Data(repeating: 5, count: 10).write(to: d.data.appendingPathComponent("blobs/c"))
        _ = try target.addBlob(d.data.appendingPathComponent("blobs/c"), as: "blobs/c")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.stagingPool.path).count == 1, "a pooled blob was staged again")
        target.removeLeftovers()
        #expect(!FileManager.default.fileExists(atPath: target.folder("20991231-000000").path))
        #expect(!FileManager.default.fileExists(atPath: target.stagingPool.path))
        #expect(try target.list().map(\.id) == [done.id] && target.verify(done).isEmpty)
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
