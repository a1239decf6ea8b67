import Config
import Foundation
import IPC
import Storage

/// Runs backups and drills one at a time: asks each service to snapshot its own files into
/// the backup, writes and verifies the manifest, applies retention; and restores the newest
/// backup into a scratch directory to prove it restores.
actor BackupCoordinator {
    let target: any BackupTarget
    let services: [(name: String, client: SnapshotClient)]
    let history: BackupHistory
    let retention: BackupRetention
    let maxAge: TimeInterval
    let watchedPaths: [String]
    /// Disk usage (0…1) of a watched path's volume above which status warns.
    let diskWarningFraction: Double
    /// The target's backups as last listed, and when. `status` runs on every `_health`,
    /// `/metrics` scrape and alert check, and listing reads every manifest (from S3: a LIST
    /// of every object plus a GET per manifest), so it is reused until this coordinator
    /// changes the target or `listingLifetime` passes (a folder removed by hand).
    private var listing: (manifests: [BackupManifest], at: ContinuousClock.Instant)?
    static let listingLifetime: Duration = .seconds(300)
    /// The key backups are encrypted with (the target's too), if one is set.
    let cipher: BackupCipher?
    /// Written into every backup as `secrets.env`, so a restore serves with nothing copied by hand.
    let secrets: Secrets?

    init(target: any BackupTarget, services: [(name: String, client: SnapshotClient)], history: BackupHistory,
         retention: BackupRetention, maxAge: TimeInterval, watchedPaths: [String], diskWarningFraction: Double = 0.9,
         cipher: BackupCipher? = nil, secrets: Secrets? = nil) {
        self.cipher = cipher
        self.secrets = secrets
        self.diskWarningFraction = diskWarningFraction
        self.target = target
        self.services = services
        self.history = history
        self.retention = retention
        self.maxAge = maxAge
        self.watchedPaths = watchedPaths
    }

    func backup() async throws -> BackupTypes.Summary {
        let started = Date()
        let clock = ContinuousClock.now
        var id = BackupManifest.id(for: started)
        while try await target.exists(id) { id += "b" }
        var manifest = BackupManifest(id: id, startedAt: started)
        var blobsCopied = 0
        do {
            let known = try await target.knownBlobs()
            for (name, client) in services {
                let response: SnapshotTypes.Response
                do {
                    // Only BlobService copies blobs: the others need not receive the pool's list.
                    response = try await client.snapshot(.init(directory: target.stagingFiles(id).path, blobPool: target.stagingPool.path,
                                                               knownBlobs: name == ServiceName.blob.rawValue ? known : nil))
                } catch {
                    throw BackupError("\(name) could not snapshot: \(error)")
                }
                for f in response.files {
                    manifest.files.append(.init(path: f.path, size: f.size, sha256: f.sha256,
                                                kind: BackupManifest.Kind(rawValue: f.kind) ?? .other, pooled: f.pooled))
                }
                var counts = response.counts
                blobsCopied += counts.removeValue(forKey: "blobsCopied") ?? 0
                manifest.counts.merge(counts) { $0 + $1 }
            }
            // backup.sqlite itself: the history of runs and drills.
            let own = try SQLiteSnapshot.write(history.pool, to: target.stagingFiles(id).appendingPathComponent("backup.sqlite"))
            manifest.files.append(.init(path: "backup.sqlite", size: own.size, sha256: own.sha256, kind: .sqlite))
            if let secrets { manifest.files.append(try Self.stageSecrets(secrets, in: target.stagingFiles(id))) }
            let finished = try await target.finish(manifest)
            listing = nil
            // The backup just made is never among them, whatever the clock says.
            let deleted = retention.toDelete(try await backups().map { ($0.id, $0.startedAt, $0.complete) }).filter { $0 != id }
            for old in deleted { try? await target.delete(old) }
            listing = nil
            let seconds = (ContinuousClock.now - clock).seconds
            try history.recordRun(id: id, startedAt: started, seconds: seconds, complete: true, files: finished.files.count,
                                  bytes: finished.totalSize, error: nil)
            return BackupTypes.Summary(id: id, files: finished.files.count, bytes: finished.totalSize,
                                       blobsCopied: blobsCopied, seconds: seconds, deleted: deleted)
        } catch {
            listing = nil
            await target.discardStaging(id)
            try? history.recordRun(id: id, startedAt: started, seconds: 0, complete: false, files: manifest.files.count, bytes: 0,
                                   error: "\(error)")
            throw error
        }
    }

    /// Removes what runs cut short left behind: staged files and drill scratch directories
    /// (both plaintext). Called at start, before any run.
    func removeLeftovers() async {
        await target.removeLeftovers()
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: target.scratchDirectory.path)) ?? [] where name.hasPrefix("drill-") {
            try? fm.removeItem(at: target.scratchDirectory.appendingPathComponent(name))
        }
    }

    /// Restores the newest complete backup into a scratch directory and checks it.
    func drill() async throws -> BackupTypes.DrillResult {
        let started = ContinuousClock.now
        guard let latest = try await backups().last(where: \.complete) else {
            throw BackupError("no complete backup to drill")
        }
        let scratch = target.scratchDirectory.appendingPathComponent("drill-\(latest.id)")
        try? FileManager.default.removeItem(at: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var problems = try await target.verify(latest)
        if problems.isEmpty {
            do {
                let manifest = try await BackupRestore.restore(latest.id, from: target, to: scratch, cipher: cipher)
                problems += BackupRestore.checkDatabases(manifest, in: scratch)
                problems += BackupDrill.checkBlobs(manifest, in: scratch)
                let repos = BackupRepoCheck.check(manifest, in: scratch)
                problems += repos.problems
                problems += BackupDrill.checkCounts(manifest, in: scratch, records: repos.records)
            } catch {
                problems.append("\(error)")
            }
        }
        try history.recordDrill(backupID: latest.id, at: Date(), passed: problems.isEmpty, problems: problems)
        return BackupTypes.DrillResult(backupID: latest.id, passed: problems.isEmpty, problems: problems,
                                       seconds: (ContinuousClock.now - started).seconds)
    }

    /// `secrets.env` as the data directory keeps it (mode 0600), staged for the backup.
    static func stageSecrets(_ secrets: Secrets, in directory: URL) throws -> BackupManifest.Entry {
        var text = "# PDSwift secrets, restored from a backup. Keep this file private.\n"
        for (name, value) in [("PDS_JWT_SECRET", secrets.jwtSecret), ("PDS_ADMIN_PASSWORD", secrets.adminPassword),
                              ("PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX", secrets.plcRotationKeyHex)] where !value.isEmpty {
            text += "\(name)=\(value)\n"
        }
        let url = directory.appendingPathComponent("secrets.env")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw BackupError("cannot stage secrets.env in \(directory.path)")
        }
        let d = try SQLiteSnapshot.describe(url)
        return .init(path: "secrets.env", size: d.size, sha256: d.sha256, kind: .key)
    }

    /// The target's backups, oldest first (see `listing`).
    func backups() async throws -> [BackupManifest] {
        let now = ContinuousClock.now
        if let listing, now - listing.at < Self.listingLifetime { return listing.manifests }
        let manifests = try await target.list()
        listing = (manifests, now)
        return manifests
    }

    func status() async throws -> BackupTypes.Status {
        let all = try await backups()
        let last = all.last(where: \.complete)
        let drill = try history.lastDrill()
        var warnings = [String]()
        if let last {
            if Date().timeIntervalSince(last.completedAt ?? last.startedAt) > maxAge {
                warnings.append("the newest complete backup is older than \(Int(maxAge / 3600)) hours")
            }
        } else {
            warnings.append("no complete backup yet")
        }
        if drill?.passed == false { warnings.append("the last restore drill failed") }
        for path in watchedPaths {
            if let used = DiskUsage.fraction(path), used > diskWarningFraction {
                warnings.append("disk holding \(path) is \(Int(used * 100))% full")
            }
        }
        var status = BackupTypes.Status(backups: all.filter(\.complete).count, lastCompleteID: last?.id, lastCompleteAt: last?.completedAt,
                                        lastDrillAt: drill?.at, lastDrillPassed: drill?.passed, warnings: warnings)
        status.encrypted = cipher != nil
        return status
    }
}

/// How full the file system holding a path is.
enum DiskUsage {
    static func fraction(_ path: String) -> Double? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0, stats.f_blocks > 0 else { return nil }
        return 1 - Double(stats.f_bavail) / Double(stats.f_blocks)
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
