import Config
import Foundation
import Storage
import Testing
@testable import BackupService

/// A backup the coordinator runs carries `secrets.env` from the BackupService's own
/// configuration, sealed like every file; a restore brings it back (mode 0600) for the
/// restored PDS to read, and the drill passes with the service's key.
@Suite struct BackupSecretsTests {
    @Test func backupCarriesTheSecretsSealedAndARestoreServesWithThem() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-secrets-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let cipher = try BackupCipher(text: String(repeating: "4d", count: 32))
        let secrets = Secrets(jwtSecret: "jwt-secret-0123456789", adminPassword: "admin-password-1",
                              plcRotationKeyHex: "8f2ab5e2c3a1d4f6071829304a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7")
        let history = try BackupHistory(path: root.appendingPathComponent("data/backup.sqlite").path, options: SQLiteOptions())
        let target = LocalBackupTarget(root: root.appendingPathComponent("backups"), cipher: cipher)
        let coordinator = BackupCoordinator(target: target, services: [], history: history, retention: BackupRetention(),
                                            maxAge: 86_400, watchedPaths: [], cipher: cipher, secrets: secrets)
        let summary = try await coordinator.backup()
        let manifest = try target.manifest(summary.id)
        let entry = try #require(manifest.files.first { $0.path == "secrets.env" })
        #expect(entry.kind == .key && manifest.encryption?.keyID == cipher.keyID)
        let stored = try Data(contentsOf: target.location(of: entry, backup: summary.id))
        for value in [secrets.jwtSecret, secrets.adminPassword, secrets.plcRotationKeyHex] {
            #expect(stored.range(of: Data(value.utf8)) == nil, "a secret is in the backup in plaintext")
        }

        let restored = root.appendingPathComponent("restored")
        _ = try await BackupRestore.restore(summary.id, from: target, to: restored, cipher: cipher)
        let file = restored.appendingPathComponent("secrets.env")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A PDS started on the restored directory, with no secrets in its environment, has these.
        let config = try PDSConfig.load(environment: ["PDS_DATA_DIRECTORY": restored.path])
        #expect(config.secrets == secrets)

        let drill = try await coordinator.drill()
        #expect(drill.passed, "\(drill.problems)")
        #expect(try await coordinator.status().encrypted == true)
        let plain = BackupCoordinator(target: LocalBackupTarget(root: root.appendingPathComponent("plain")), services: [], history: history,
                                      retention: BackupRetention(), maxAge: 86_400, watchedPaths: [])
        #expect(try await plain.status().encrypted == false)
    }
}
