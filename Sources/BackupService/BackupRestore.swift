import Foundation
import GRDB
import Storage

/// Rebuilds a data directory from a backup: every file back at its path, each checked
/// against the manifest as it is written.
public enum BackupRestore {
    /// Restores backup `id` from `source` into `dataDirectory` (which must be empty or absent).
    public static func restore(_ id: String, from source: any BackupSource, to dataDirectory: URL) async throws -> BackupManifest {
        let manifest = try await source.manifest(id)
        guard manifest.complete else { throw BackupError("backup \(id) is not complete") }
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: dataDirectory.path), !existing.isEmpty {
            throw BackupError("\(dataDirectory.path) is not empty; restore into a fresh directory")
        }
        for entry in manifest.files {
            let dest = dataDirectory.appendingPathComponent(entry.path)
            try fm.createDirectory(at: dest.deletingLastPathComponent(), withIntermediateDirectories: true)
            do {
                try await source.fetch(entry, backup: id, to: dest)
            } catch {
                throw BackupError("\(entry.path) cannot be read from backup \(id): \(error)")
            }
            let d = try SQLiteSnapshot.describe(dest)
            guard d.sha256 == entry.sha256, d.size == entry.size else { throw BackupError("\(entry.path) is corrupt in backup \(id)") }
            if entry.kind == .key { try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dest.path) }
        }
        return manifest
    }

    /// `PRAGMA integrity_check` on every SQLite file of a restored directory; returns problems.
    public static func checkDatabases(_ manifest: BackupManifest, in dataDirectory: URL) -> [String] {
        var problems = [String]()
        for entry in manifest.files where entry.kind == .sqlite {
            do {
                let queue = try DatabaseQueue(path: dataDirectory.appendingPathComponent(entry.path).path)
                let result = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
                if result != ["ok"] { problems.append("\(entry.path): \(result.prefix(3).joined(separator: ", "))") }
                try queue.close()
            } catch {
                problems.append("\(entry.path): \(error)")
            }
        }
        return problems
    }
}
