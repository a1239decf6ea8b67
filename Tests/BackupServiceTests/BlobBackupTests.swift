import BackupService
import BlobService
import Foundation
import GRDB
import IPLD
import Storage
import TestSupport
import Testing

/// Blobs in backups with a real BlobService (disk store, real `blobs.sqlite`): BlobService
/// copies its own blobs into the target's pool, only those not there yet; restores put them
/// back; drills check bytes against CIDs and rows against files; retention keeps what a kept
/// backup needs.
@Suite struct BlobBackupTests {
    final class Dirs {
        let root: URL
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-blobbackup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }
        var data: URL { root.appendingPathComponent("data") }
        var backups: URL { root.appendingPathComponent("backups") }
        func restored(_ n: Int) -> URL { root.appendingPathComponent("restored-\(n)") }
        deinit { try? FileManager.default.removeItem(at: root) }
    }

    static let did = "did:plc:blobbackuptest0000000000"

    func service(_ d: Dirs) throws -> BlobService {
        try BlobService(config: BlobServiceConfig(storage: .disk(directory: d.data.appendingPathComponent("blocks").path),
                                                  databasePath: d.data.appendingPathComponent("blobs.sqlite").path,
                                                  stagingDirectory: d.data.appendingPathComponent("blocks/tmp").path))
    }

    func upload(_ s: BlobService, seed: UInt64, size: Int) async throws -> CID {
        var rng = SeededRandom(seed: seed)
        return try await s.upload(did: Self.did, declaredMimeType: "application/octet-stream", chunks: ByteChunks(rng.bytes(size))).ref
    }

    /// One backup of the blob service alone, as BackupCoordinator assembles it.
    func backup(_ s: BlobService, _ target: LocalBackupTarget, at date: Date) async throws -> (BackupManifest, copied: Int) {
        let id = BackupManifest.id(for: date)
        let snap = try await s.snapshot(into: target.stagingFiles(id), pool: target.stagingPool)
        var manifest = BackupManifest(id: id, startedAt: date, counts: ["blobs": snap.blobs.count])
        manifest.files.append(.init(path: snap.database.path, size: snap.database.size, sha256: snap.database.sha256, kind: .sqlite))
        manifest.files += snap.blobs.map { .init(path: $0.path, size: $0.size, sha256: $0.sha256, kind: .blob, pooled: $0.pooled) }
        return (try target.finish(manifest), snap.copied)
    }

    func drill(_ target: LocalBackupTarget, _ id: String, into dir: URL) async throws -> [String] {
        var problems = try target.verify(try target.manifest(id))
        guard problems.isEmpty else { return problems }
        let manifest = try await BackupRestore.restore(id, from: target, to: dir)
        problems += BackupRestore.checkDatabases(manifest, in: dir) + BackupDrill.checkBlobs(manifest, in: dir)
        return problems
    }

    @Test func blobsAreCopiedOnceRestoredAndServedIdentically() async throws {
        let d = try Dirs()
        let s = try service(d)
        let target = LocalBackupTarget(root: d.backups)
        let day: TimeInterval = 86_400
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        var cids = [CID]()
        for i in 0..<5 { cids.append(try await upload(s, seed: UInt64(i + 1), size: 1000 + i * 7919)) }
        let (first, copied1) = try await backup(s, target, at: t0)
        #expect(copied1 == 5)
        #expect(first.files.filter { $0.kind == .blob }.count == 5)
        #expect(first.files.allSatisfy { $0.kind != .blob || $0.path.hasPrefix("blocks/") })

        // One new blob: only it is copied; the next backup's manifest still lists all six.
        cids.append(try await upload(s, seed: 99, size: 300_000))
        let (second, copied2) = try await backup(s, target, at: t0 + day)
        #expect(copied2 == 1)
        #expect(second.files.filter { $0.kind == .blob }.count == 6)

        // Restore the second backup: every blob comes back, and a BlobService over the
        // restored directory serves the same bytes.
        let restoredDir = d.restored(1)
        #expect(try await drill(target, second.id, into: restoredDir).isEmpty)
        let restored = try BlobService(config: BlobServiceConfig(storage: .disk(directory: restoredDir.appendingPathComponent("blocks").path),
                                                                 databasePath: restoredDir.appendingPathComponent("blobs.sqlite").path,
                                                                 stagingDirectory: restoredDir.appendingPathComponent("blocks/tmp").path))
        for cid in cids {
            let live = try await s.read(did: Self.did, cid: cid).body.collect()
            let back = try await restored.read(did: Self.did, cid: cid).body.collect()
            #expect(live == back && !back.isEmpty)
        }

        // Retention deletes the first backup; the pool keeps every blob the second needs.
        try target.delete(first.id)
        #expect(try target.verify(second).isEmpty)
    }

    @Test func aFlippedByteOrAMissingBlobFailsTheDrillNamingTheFile() async throws {
        let d = try Dirs()
        let s = try service(d)
        let target = LocalBackupTarget(root: d.backups)
        let a = try await upload(s, seed: 1, size: 4000)
        let b = try await upload(s, seed: 2, size: 5000)
        let (m, _) = try await backup(s, target, at: Date(timeIntervalSince1970: 1_700_000_000))
        let entryA = try #require(m.files.first { $0.path.hasSuffix(a.string) })
        let entryB = try #require(m.files.first { $0.path.hasSuffix(b.string) })

        // A flipped byte in a pooled blob.
        let pooledA = target.location(of: entryA, backup: m.id)
        var bytes = try Data(contentsOf: pooledA)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: pooledA)
        let flipped = try await drill(target, m.id, into: d.restored(1))
        #expect(flipped.contains { $0.contains(entryA.path) }, "\(flipped)")

        // A missing blob.
        try FileManager.default.removeItem(at: target.location(of: entryB, backup: m.id))
        let missing = try await drill(target, m.id, into: d.restored(2))
        #expect(missing.contains { $0.contains(entryB.path) && $0.contains("missing") }, "\(missing)")

        // Bytes restored that do not hash to their CID, or a row whose blob is absent, are
        // found in the restored directory itself.
        var manifest = m
        manifest.files.removeAll { $0.path == entryB.path }
        let dir = d.restored(3)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("blocks"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: target.stagingFiles(m.id).appendingPathComponent("blobs.sqlite"),
                                         to: dir.appendingPathComponent("blobs.sqlite"))
        let fileA = dir.appendingPathComponent(entryA.path)
        try FileManager.default.createDirectory(at: fileA.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: fileA)
        let found = BackupDrill.checkBlobs(manifest, in: dir)
        #expect(found.contains { $0.contains(entryA.path) && $0.contains("do not hash") }, "\(found)")
        #expect(found.contains { $0.contains(b.string) && $0.contains("blobs.sqlite") }, "\(found)")
    }

    @Test func aBlobMissingFromTheLiveStoreIsNamedAndSweptOnesAreNotListed() async throws {
        let d = try Dirs()
        let s = try service(d)
        let kept = try await upload(s, seed: 1, size: 2000)
        let gone = try await upload(s, seed: 2, size: 3000)
        // Bytes vanish behind the index's back while it still lists them: that is damage, named.
        try FileManager.default.removeItem(atPath: (s.store as! DiskBlobStore).path(of: gone))
        let target = LocalBackupTarget(root: d.backups)
        await #expect { try await s.snapshot(into: target.stagingFiles("x"), pool: target.stagingPool) } throws: { error in
            "\(error)".contains(gone.string)
        }
        // After the sweep (TTL 0) removed both unreferenced blobs, a snapshot lists neither.
        _ = try await s.sweep(now: Date().addingTimeInterval(7 * 3600))
        let snap = try await s.snapshot(into: target.stagingFiles("y"), pool: target.stagingPool)
        #expect(snap.blobs.isEmpty && snap.includesBlobs)
        _ = kept
    }
}
