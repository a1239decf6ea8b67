import Foundation
import IPC
import Storage

/// Runs backups and drills one at a time: asks each service to snapshot its own files into
/// the backup, writes and verifies the manifest, applies retention; and restores the newest
/// backup into a scratch directory to prove it restores.
actor BackupCoordinator {
    let target: LocalBackupTarget
    let services: [(name: String, client: SnapshotClient)]
    let history: BackupHistory
    let retention: BackupRetention
    let maxAge: TimeInterval
    let watchedPaths: [String]

    init(target: LocalBackupTarget, services: [(name: String, client: SnapshotClient)], history: BackupHistory,
         retention: BackupRetention, maxAge: TimeInterval, watchedPaths: [String]) {
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
        while FileManager.default.fileExists(atPath: target.folder(id).path) { id += "b" }
        var manifest = BackupManifest(id: id, startedAt: started)
        do {
            for (name, client) in services {
                let response: SnapshotTypes.Response
                do {
                    response = try await client.snapshot(.init(directory: target.filesDirectory(id).path,
                                                               blobPool: target.poolDirectory.path))
                } catch {
                    throw BackupError("\(name) could not snapshot: \(error)")
                }
                for f in response.files {
                    manifest.files.append(.init(path: f.path, size: f.size, sha256: f.sha256,
                                                kind: BackupManifest.Kind(rawValue: f.kind) ?? .other, pooled: f.pooled))
                }
                manifest.counts.merge(response.counts) { $0 + $1 }
            }
            let finished = try target.finish(manifest)
            let deleted = retention.toDelete(try target.list().map { ($0.id, $0.startedAt, $0.complete) })
            for old in deleted { try? target.delete(old) }
            let seconds = Double((ContinuousClock.now - clock).components.seconds) + Double((ContinuousClock.now - clock).components.attoseconds) / 1e18
            try history.recordRun(id: id, startedAt: started, seconds: seconds, complete: true, files: finished.files.count,
                                  bytes: finished.totalSize, error: nil)
            return BackupTypes.Summary(id: id, files: finished.files.count, bytes: finished.totalSize,
                                       blobsCopied: finished.files.filter { $0.kind == .blob }.count, seconds: seconds, deleted: deleted)
        } catch {
            try? history.recordRun(id: id, startedAt: started, seconds: 0, complete: false, files: manifest.files.count, bytes: 0,
                                   error: "\(error)")
            throw error
        }
    }

    /// Restores the newest complete backup into a scratch directory and checks it.
    func drill() throws -> BackupTypes.DrillResult {
        let started = ContinuousClock.now
        guard let latest = try target.list().last(where: \.complete) else {
            throw BackupError("no complete backup to drill")
        }
        let scratch = target.root.appendingPathComponent("drill-\(latest.id)")
        try? FileManager.default.removeItem(at: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var problems = try target.verify(latest)
        if problems.isEmpty {
            do {
                let manifest = try BackupRestore.restore(latest.id, from: target, to: scratch)
                problems += BackupRestore.checkDatabases(manifest, in: scratch)
                let actorStores = manifest.files.filter { $0.kind == .sqlite && $0.path.hasPrefix("actors/") }.count
                if let repos = manifest.counts["repos"], repos != actorStores {
                    problems.append("backup holds \(actorStores) account stores but \(repos) accounts had repos")
                }
            } catch {
                problems.append("\(error)")
            }
        }
        try history.recordDrill(backupID: latest.id, at: Date(), passed: problems.isEmpty, problems: problems)
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        return BackupTypes.DrillResult(backupID: latest.id, passed: problems.isEmpty, problems: problems, seconds: seconds)
    }

    func status() throws -> BackupTypes.Status {
        let all = try target.list()
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
            if let used = DiskUsage.fraction(path), used > 0.9 {
                warnings.append("disk holding \(path) is \(Int(used * 100))% full")
            }
        }
        return BackupTypes.Status(backups: all.filter(\.complete).count, lastCompleteID: last?.id, lastCompleteAt: last?.completedAt,
                                  lastDrillAt: drill?.at, lastDrillPassed: drill?.passed, warnings: warnings)
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
