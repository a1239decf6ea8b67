import BackupService
import BlobService
import Foundation
import IPLD
import S3
import TestSupport
import Testing

/// The S3 backup target against a real S3-compatible server (moto): a BlobService on disk
/// backed up to a bucket under a prefix, incrementally; restored with `s3://` addresses;
/// retention deleting old backups and only the blobs nobody needs. Skipped with a printed
/// reason when moto_server is missing, unless CI=true.
@Suite(.serialized, .enabled(if: MotoServer.shouldRun, Comment(rawValue: MotoServer.skipReason)))
struct S3BackupTests {
    static let did = "did:plc:s3backuptest00000000000"

    /// One backup of the blob service, as BackupCoordinator assembles it.
    func backup(_ s: BlobService, _ target: any BackupTarget, at date: Date) async throws -> (BackupManifest, copied: Int) {
        let id = BackupManifest.id(for: date)
        let snap = try await s.snapshot(into: target.stagingFiles(id), pool: target.stagingPool,
                                        known: Set(try await target.knownBlobs() ?? []))
        var manifest = BackupManifest(id: id, startedAt: date, counts: ["blobs": snap.blobs.count])
        manifest.files.append(.init(path: snap.database.path, size: snap.database.size, sha256: snap.database.sha256, kind: .sqlite))
        manifest.files += snap.blobs.map { .init(path: $0.path, size: $0.size, sha256: $0.sha256, kind: .blob, pooled: $0.pooled) }
        return (try await target.finish(manifest), snap.copied)
    }

    /// Plain, and encrypted (`PDS_BACKUP_ENCRYPTION_KEY`): only ciphertext reaches the bucket.
    @Test(arguments: [false, true]) func backsUpIncrementallyRestoresAndRetains(encrypted: Bool) async throws {
        let cipher = encrypted ? try BackupCipher(text: String(repeating: "3c", count: 32)) : nil
        try await MotoServer.with { moto in
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-s3backup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let data = root.appendingPathComponent("data")
            let s = try BlobService(config: BlobServiceConfig(storage: .disk(directory: data.appendingPathComponent("blocks").path),
                                                              databasePath: data.appendingPathComponent("blobs.sqlite").path,
                                                              stagingDirectory: data.appendingPathComponent("blocks/tmp").path))
            let client = S3Client(config: moto.config())
            let target = S3BackupTarget(client: client, prefix: "pds/one", staging: root.appendingPathComponent("staging"), cipher: cipher)
            var rng = SeededRandom(seed: 7)
            var cids = [CID]()
            // One blob above the multipart threshold (5 MiB parts).
            for size in [1000, 20_000, 6 * 1024 * 1024] {
                cids.append(try await s.upload(did: Self.did, declaredMimeType: nil, chunks: ByteChunks(rng.bytes(size))).ref)
            }
            let day: TimeInterval = 86_400
            let t0 = Date(timeIntervalSince1970: 1_700_000_000)
            let (first, copied1) = try await backup(s, target, at: t0)
            #expect(first.complete && copied1 == 3)
            let keys = Set(try await client.listObjects(prefix: "pds/one/").map(\.key))
            #expect(keys.contains("pds/one/backups/\(first.id)/manifest.json"))
            #expect(keys.contains("pds/one/backups/\(first.id)/files/blobs.sqlite"))
            #expect(keys.filter { $0.hasPrefix("pds/one/blobs/" + (cipher.map { $0.keyID + "/" } ?? "")) }.count == 3)
            let storedDB = try #require(try await client.getBytes("pds/one/backups/\(first.id)/files/blobs.sqlite"))
            #expect(Data(storedDB).starts(with: Data("SQLite format 3".utf8)) == !encrypted)
            #expect((first.encryption != nil) == encrypted)
            let bigBlob = try #require(first.files.first { $0.kind == .blob && $0.size > 5_000_000 }?.pooled)
            let storedBlob = try #require(try await client.getBytes("pds/one/blobs/\(bigBlob)"))
            let blobFile = data.appendingPathComponent("blocks/blocks/\(cids[2].string.suffix(2))/\(cids[2].string)")
            #expect((Data(storedBlob).range(of: try Data(contentsOf: blobFile).prefix(256)) == nil) == encrypted)
            // Staged files are gone once uploaded.
            #expect((try? FileManager.default.contentsOfDirectory(atPath: target.stagingPool.path))?.isEmpty ?? true)

            // A second backup uploads only the new blob.
            cids.append(try await s.upload(did: Self.did, declaredMimeType: nil, chunks: ByteChunks(rng.bytes(3000))).ref)
            let (second, copied2) = try await backup(s, target, at: t0 + day)
            #expect(copied2 == 1)
            #expect(try await target.list().map(\.id) == [first.id, second.id])
            #expect(try await target.verify(second).isEmpty)

            // Restore through the address `pds restore --from` takes, and check it as a drill does.
            let env = ["PDS_BACKUP_S3_ENDPOINT": moto.endpoint.absoluteString, "PDS_BACKUP_S3_FORCE_PATH_STYLE": "true",
                       "PDS_BACKUP_S3_ACCESS_KEY_ID": "test-key", "PDS_BACKUP_S3_SECRET_ACCESS_KEY": "test-secret"]
            let (source, id) = try BackupLocation.parse("s3://\(moto.bucket)/pds/one/backups/\(second.id)", environment: env)
            #expect(id == second.id)
            let restoredDir = root.appendingPathComponent("restored")
            if encrypted {
                await #expect(throws: BackupError.self) { try await BackupRestore.restore(id, from: source, to: restoredDir) }
                #expect(!FileManager.default.fileExists(atPath: restoredDir.path))
            }
            let manifest = try await BackupRestore.restore(id, from: source, to: restoredDir, cipher: cipher)
            #expect(BackupRestore.checkDatabases(manifest, in: restoredDir).isEmpty)
            #expect(BackupDrill.checkBlobs(manifest, in: restoredDir).isEmpty)
            for cid in cids {
                let restored = try Data(contentsOf: restoredDir.appendingPathComponent("blocks/blocks/\(cid.string.suffix(2))/\(cid.string)"))
                #expect(CID.compute(.raw, of: [UInt8](restored)) == cid)
            }

            // Deleting the first backup keeps every blob the second needs; deleting the second
            // empties the pool.
            try await target.delete(first.id)
            #expect(try await target.verify(second).isEmpty)
            #expect(try await target.list().map(\.id) == [second.id])
            try await target.delete(second.id)
            #expect(try await client.listObjects(prefix: "pds/one/").isEmpty)

            // A missing object makes the restore fail naming the file.
            let (third, _) = try await backup(s, target, at: t0 + 2 * day)
            let blob = try #require(third.files.first { $0.kind == .blob })
            try await client.deleteObject("pds/one/blobs/\(try #require(blob.pooled))")
            #expect(try await target.verify(third).contains { $0.contains(blob.path) && $0.contains("missing") })
            await #expect { try await BackupRestore.restore(third.id, from: target, to: root.appendingPathComponent("r2"), cipher: cipher) } throws: { error in
                "\(error)".contains(blob.path)
            }

            if let cipher {
                // Another key has a pool of its own: every blob is uploaded again, sealed with it.
                let other = try BackupCipher(text: String(repeating: "c3", count: 32))
                let rekeyed = S3BackupTarget(client: client, prefix: "pds/one", staging: root.appendingPathComponent("staging2"), cipher: other)
                let (fourth, copied4) = try await backup(s, rekeyed, at: t0 + 3 * day)
                #expect(copied4 == cids.count && fourth.files.compactMap(\.pooled).allSatisfy { $0.hasPrefix(other.keyID + "/") })
                #expect(try await rekeyed.verify(fourth).isEmpty)
                await #expect { try await BackupRestore.restore(fourth.id, from: rekeyed, to: root.appendingPathComponent("r3"), cipher: cipher) } throws: {
                    "\($0)".contains("is not the key")
                }
                // A flipped byte in one object: the restore fails naming the file, and leaves nothing.
                let victim = try #require(fourth.files.first { $0.kind == .blob })
                let victimKey = "pds/one/blobs/\(try #require(victim.pooled))"
                var bytes = try #require(try await client.getBytes(victimKey))
                bytes[bytes.count / 2] ^= 1
                try await client.putObject(victimKey, bytes: bytes)
                let r4 = root.appendingPathComponent("r4")
                await #expect { try await BackupRestore.restore(fourth.id, from: rekeyed, to: r4, cipher: other) } throws: {
                    "\($0)".contains(victim.path) && "\($0)".contains("does not decrypt")
                }
                #expect(!FileManager.default.fileExists(atPath: r4.path))
            }
        }
    }
}
