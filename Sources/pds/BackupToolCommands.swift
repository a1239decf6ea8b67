import ArgumentParser
import BackupService
import Config
import Foundation
import IPC

/// Connects to the BackupService of a data directory.
private func backupClient(data: String?) async throws -> BackupServiceClient {
    var environment = ProcessInfo.processInfo.environment
    if let data { environment["PDS_DATA_DIRECTORY"] = PDSConfigPath.absolute(data) }
    let config = try PDSConfig(environment: environment)
    return BackupServiceClient(caller: try await RPCClient(endpoint: config.ipc.backup, defaultTimeout: .seconds(30)))
}

/// `pds backup run [--data DIR]`: back up now and wait for the result.
struct BackupRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Ask the running BackupService to back up now, and wait.")
    @Option(name: .customLong("data"), help: "Data directory of the running PDS (default ./data).") var data: String?

    func run() async throws {
        let s = try await backupClient(data: data).runBackup(Empty())
        print("backup \(s.id) complete: \(s.files) files, \(s.bytes) bytes, \(s.blobsCopied) blobs copied, \(String(format: "%.2f", s.seconds)) s")
        if !s.deleted.isEmpty { print("removed by retention: \(s.deleted.joined(separator: ", "))") }
    }
}

/// `pds backup drill [--data DIR]`: restore the newest backup into a scratch directory and check it.
struct BackupDrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drill", abstract: "Run a restore drill on the newest backup now.")
    @Option(name: .customLong("data"), help: "Data directory of the running PDS (default ./data).") var data: String?

    func run() async throws {
        let r = try await backupClient(data: data).runDrill(Empty())
        print("drill of \(r.backupID): \(r.passed ? "PASSED" : "FAILED") in \(String(format: "%.1f", r.seconds)) s")
        for p in r.problems { print("  \(p)") }
        if !r.passed { throw ExitCode.failure }
    }
}

/// `pds backup status [--data DIR]`.
struct BackupStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Report the last backup, the last drill and any warnings.")
    @Option(name: .customLong("data"), help: "Data directory of the running PDS (default ./data).") var data: String?

    func run() async throws {
        let s = try await backupClient(data: data).status(Empty())
        print("complete backups: \(s.backups); newest: \(s.lastCompleteID ?? "none")")
        print("last drill: \(s.lastDrillAt.map { "\($0)" } ?? "never") \(s.lastDrillPassed.map { $0 ? "passed" : "FAILED" } ?? "")")
        for w in s.warnings { print("warning: \(w)") }
        if s.encrypted == false {
            print("warning: backups are not encrypted: set PDS_BACKUP_ENCRYPTION_KEY (or PDS_BACKUP_ENCRYPTION_KEY_FILE) for the BackupService")
        }
    }
}

/// `pds restore --from BACKUP --to DIR`: rebuild a data directory from one backup.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Rebuild a complete data directory from a backup.")
    @Option(name: .customLong("from"), help: "The backup: its folder (PDS_BACKUP_DIR/backups/<id>) or s3://BUCKET/[PREFIX/]backups/<id>.")
    var from: String
    @Option(name: .customLong("to"), help: "A new, empty data directory.") var to: String
    @Option(name: .customLong("key-file"), help: "File holding the backup's encryption key (default: PDS_BACKUP_ENCRYPTION_KEY or PDS_BACKUP_ENCRYPTION_KEY_FILE).")
    var keyFile: String?

    func run() async throws {
        let destination = URL(fileURLWithPath: PDSConfigPath.absolute(to))
        let environment = ProcessInfo.processInfo.environment
        let (source, id) = try BackupLocation.parse(from, environment: environment)
        let manifest: BackupManifest
        do {
            let cipher = try BackupCipher.from(environment: environment, keyFile: keyFile)
            // With a key at hand, an unencrypted backup is refused too (its encryption may have been stripped).
            manifest = try await BackupRestore.restore(id, from: source, to: destination, cipher: cipher, requireEncryption: cipher != nil)
        } catch let e as BackupError {
            print("restore failed: \(e.message)")
            throw ExitCode.failure
        }
        let problems = BackupRestore.checkDatabases(manifest, in: destination) + BackupDrill.checkBlobs(manifest, in: destination)
            + BackupRepoCheck.check(manifest, in: destination).problems
        guard problems.isEmpty else {
            for p in problems { print("problem: \(p)") }
            throw ExitCode.failure
        }
        print("restored backup \(manifest.id): \(manifest.files.count) files into \(to); start it with `pds up --data \(to)`")
    }
}
