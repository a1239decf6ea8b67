import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// Backups to an S3 bucket (moto) from a running PDS: `PDS_BACKUP_S3_*` set, `pds backup run`
/// uploads under the prefix, the drill downloads and passes, and `pds restore --from
/// s3://BUCKET/PREFIX/backups/<id>` rebuilds a data directory with the blobs in it. Encrypted:
/// the BackupService reads its key from `PDS_BACKUP_ENCRYPTION_KEY_FILE`, the restore from
/// `PDS_BACKUP_ENCRYPTION_KEY`, and a restore with no key writes nothing.
@Suite(.enabled(if: MotoServer.shouldRun, Comment(rawValue: MotoServer.skipReason)))
struct S3BackupProcessTests {
    @Test func backupDrillAndRestoreThroughS3() async throws {
        try await MotoServer.with { moto in
            let s3 = ["PDS_BACKUP_S3_BUCKET": moto.bucket, "PDS_BACKUP_S3_ENDPOINT": moto.endpoint.absoluteString,
                      "PDS_BACKUP_S3_FORCE_PATH_STYLE": "true", "PDS_BACKUP_S3_ACCESS_KEY_ID": "test-key",
                      "PDS_BACKUP_S3_SECRET_ACCESS_KEY": "test-secret", "PDS_BACKUP_S3_PREFIX": "site/pds"]
            let key = String(repeating: "c7", count: 32)
            let keyFile = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pds-s3-key-\(UUID().uuidString.prefix(8))")
            try Data((key + "\n").utf8).write(to: keyFile)
            defer { try? FileManager.default.removeItem(at: keyFile) }
            let pds = try PDSUp(environment: s3.merging(["PDS_BACKUP_ENCRYPTION_KEY_FILE": keyFile.path]) { $1 })
            defer { pds.stop(); pds.removeData() }
            let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
            try #require(healthy, "never healthy:\n\(pds.log())")
            let account = try #require(await HTTP.post(pds.baseURL + "/xrpc/com.atproto.server.createAccount",
                                                       body: try JSONSerialization.data(withJSONObject: ["handle": "erin.test", "password": "pw-erin-123"])))
            let token = try #require(account.json?["accessJwt"] as? String)
            let bytes = BackupProcessTests.blobBytes(9, 70_000)
            let cid = try #require(await BackupProcessTests.uploadBlob(pds.baseURL, token: token, bytes))

            let data = ["--data", pds.dataDirectory.path]
            let run = try PDSUp.runCommand(["backup", "run"] + data, environment: s3)
            #expect(run.status == 0 && run.output.contains("1 blobs copied"), "\(run.output)")
            let drill = try PDSUp.runCommand(["backup", "drill"] + data, environment: s3)
            #expect(drill.status == 0 && drill.output.contains("PASSED"), "\(drill.output)")
            // Nothing is left staged locally, and no local backup was written.
            let staged = pds.dataDirectory.appendingPathComponent("backups/s3-staging/blobs")
            #expect((try? FileManager.default.contentsOfDirectory(atPath: staged.path))?.isEmpty ?? true)
            #expect(!FileManager.default.fileExists(atPath: pds.dataDirectory.appendingPathComponent("backups/backups").path))

            let id = try #require(run.output.split(separator: " ").dropFirst().first.map(String.init))
            let restored = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pds-s3-restored-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: restored) }
            var credentials = s3
            credentials["PDS_BACKUP_S3_BUCKET"] = nil
            credentials["PDS_BACKUP_S3_PREFIX"] = nil
            let from = "s3://\(moto.bucket)/site/pds/backups/\(id)"
            let keyless = try PDSUp.runCommand(["restore", "--from", from, "--to", restored.path], environment: credentials)
            #expect(keyless.status != 0 && keyless.output.contains("is encrypted"), "\(keyless.output)")
            #expect(!FileManager.default.fileExists(atPath: restored.path), "a restore without the key wrote files")
            credentials["PDS_BACKUP_ENCRYPTION_KEY"] = key
            let restore = try PDSUp.runCommand(["restore", "--from", from, "--to", restored.path], environment: credentials)
            #expect(restore.status == 0, "\(restore.output)")
            let blob = restored.appendingPathComponent("blocks/blocks/\(cid.suffix(2))/\(cid)")
            #expect(try Data(contentsOf: blob) == bytes)
            for name in ["auth.sqlite", "sequencer.sqlite", "blobs.sqlite", "backup.sqlite", "secrets.env"] {
                #expect(FileManager.default.fileExists(atPath: restored.appendingPathComponent(name).path), "\(name) not restored")
            }
        }
    }
}
