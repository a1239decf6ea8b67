import Config
import Foundation
import IPC
import Logging
import Storage

/// The BackupService: scheduled and on-demand backups, restore drills, and their health.
public struct BackupServiceImplementation: BackupServiceAPI {
    let identity = ProcessIdentity(service: .backup, version: PDSConfig.softwareVersion)
    let coordinator: BackupCoordinator

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping(request, databases: [coordinator.history.pool.path]) }

    func serve<T: Sendable>(_ body: () async throws -> T) async throws(IPCError) -> T {
        do { return try await body() } catch let e as IPCError { throw e } catch {
            throw IPCError.remote(name: "InternalServerError", message: "\(error)")
        }
    }

    public func runBackup(_ request: Empty) async throws(IPCError) -> BackupTypes.Summary { try await serve { try await coordinator.backup() } }
    public func runDrill(_ request: Empty) async throws(IPCError) -> BackupTypes.DrillResult { try await serve { try await coordinator.drill() } }
    public func status(_ request: Empty) async throws(IPCError) -> BackupTypes.Status { try await serve { try await coordinator.status() } }
}

/// Starts the BackupService process's sockets and schedules.
public enum BackupServiceProcess {
    /// Binds the service's endpoint from `config` and serves its methods until stopped.
    public static func start(config: PDSConfig) async throws(IPCError) -> ServiceHost {
        let logger = Logger(label: "pds.backup")
        let coordinator: BackupCoordinator
        do {
            try FileManager.default.createDirectory(atPath: config.backupDirectory, withIntermediateDirectories: true)
            let history = try BackupHistory(path: config.dataDirectory + "/backup.sqlite",
                                            options: SQLiteOptions(disableWALAutoCheckpoint: config.sqliteDisableWALAutoCheckpoint))
            var services = [(name: String, client: SnapshotClient)]()
            for (name, endpoint) in [("auth", config.ipc.auth), ("repo", config.ipc.repo), ("firehose", config.ipc.firehose), ("blob", config.ipc.blob)] {
                services.append((name, SnapshotClient(caller: try await RPCClient(endpoint: endpoint, defaultTimeout: config.ipcTimeout))))
            }
            let root = URL(fileURLWithPath: config.backupDirectory)
            let cipher = try BackupEncryptionKey.resolve(key: config.backupEncryptionKey, file: config.backupEncryptionKeyFile)
                .map { bytes throws(BackupError) in try BackupCipher(key: bytes) }
            if let cipher {
                logger.info("backups are encrypted with key id \(cipher.keyID)")
            } else {
                logger.warning("backups are not encrypted: set PDS_BACKUP_ENCRYPTION_KEY (see docs/operations.md)")
            }
            // With S3, PDS_BACKUP_DIR only stages; its own folder keeps it apart from a local target's pool.
            let target: any BackupTarget = try config.backupS3.map {
                try S3BackupTarget(config: $0, staging: root.appendingPathComponent("s3-staging"), cipher: cipher)
            } ?? LocalBackupTarget(root: root, cipher: cipher)
            coordinator = BackupCoordinator(target: target, services: services,
                                            history: history, retention: BackupRetention(daily: config.backupKeepDaily, weekly: config.backupKeepWeekly),
                                            maxAge: TimeInterval(config.backupMaxAgeHours * 3600),
                                            watchedPaths: [config.dataDirectory, config.backupDirectory],
                                            diskWarningFraction: Double(config.diskUsageWarningPercent) / 100,
                                            cipher: cipher, secrets: config.secrets)
        } catch let e as IPCError {
            throw e
        } catch {
            throw IPCError.remote(name: "InternalServerError", message: "BackupService cannot start: \(error)")
        }
        await coordinator.removeLeftovers()
        schedule(config.backupSchedule, logger: logger, "backup") { _ = try await coordinator.backup() }
        schedule(config.backupDrillSchedule, logger: logger, "restore drill") {
            let result = try await coordinator.drill()
            if !result.passed { logger.error("restore drill of \(result.backupID) FAILED: \(result.problems.joined(separator: "; "))") }
        }
        BackupAlerts.watch(logger: logger) { try await coordinator.status().warnings }
        return try await ServiceHost.serve(.backup, at: config.ipc.backup, handlers: BackupServiceImplementation(coordinator: coordinator).rpcHandlers())
    }

    /// Runs `job` at each time `schedule` names (an interval counts from the end of the
    /// previous run; the first run is one interval after start).
    static func schedule(_ schedule: Schedule?, logger: Logger, _ what: String, _ job: @escaping @Sendable () async throws -> Void) {
        guard let schedule else { return }
        logger.info("scheduled \(what): \(schedule)")
        Task.detached {
            while !Task.isCancelled {
                guard let next = schedule.next(after: Date()) else { return }
                try? await Task.sleep(for: .seconds(max(0, next.timeIntervalSinceNow)))
                do { try await job() } catch { logger.error("scheduled \(what) failed: \(error)") }
            }
        }
    }
}
