import Foundation
import Storage

/// Backups in a local directory (`PDS_BACKUP_DIR`):
/// `backups/<id>/manifest.json`, `backups/<id>/files/<path>` for databases and keys, and a
/// content-addressed blob pool shared by all backups, so each blob is copied once:
/// `blobs/<sha256>` with no key; with one, `blobs/<key id>/<sha256>`, every file sealed. Each
/// key has a pool of its own, so a new key never meets a blob sealed with another (the first
/// backup with it copies every blob once), and older backups keep theirs until retention
/// removes them. With a key, BlobService copies new blobs into `blob-staging/`, which `finish`
/// seals into the pool: no plaintext stays once a backup is finished, or after a failed one.
public struct LocalBackupTarget: BackupTarget {
    public let root: URL
    /// Encrypts what `finish` stores, when set; reading an encrypted backup needs it.
    public let cipher: BackupCipher?

    public init(root: URL, cipher: BackupCipher? = nil) { self.root = root; self.cipher = cipher }

    public func stagingFiles(_ id: String) -> URL { filesDirectory(id) }
    public var stagingPool: URL { cipher == nil ? poolDirectory : root.appendingPathComponent("blob-staging") }
    public var scratchDirectory: URL { root }
    /// With a key, the names its pool holds (BlobService then copies only the others, into
    /// `stagingPool`); with none, the pool is the staging pool and shows them itself.
    public func knownBlobs() -> [String]? {
        guard let cipher else { return nil }
        return ((try? FileManager.default.contentsOfDirectory(atPath: keyPool(cipher).path)) ?? []).filter { !$0.hasPrefix(".") }
    }
    public func exists(_ id: String) -> Bool { FileManager.default.fileExists(atPath: folder(id).path) }
    /// Removes the folder of a run that failed before its manifest was written (no listing
    /// would ever show it, so retention would never remove it), and blobs it staged.
    public func discardStaging(_ id: String) {
        if !FileManager.default.fileExists(atPath: folder(id).appendingPathComponent("manifest.json").path) {
            try? FileManager.default.removeItem(at: folder(id))
        }
        if cipher != nil { try? FileManager.default.removeItem(at: stagingPool) }
    }

    /// What runs cut short (a crash, a kill) left, removed at start: backup folders with no
    /// manifest (snapshots staged in plaintext) and staged blobs.
    public func removeLeftovers() {
        let fm = FileManager.default
        for id in (try? fm.contentsOfDirectory(atPath: backupsDirectory.path)) ?? []
        where !fm.fileExists(atPath: folder(id).appendingPathComponent("manifest.json").path) {
            try? fm.removeItem(at: folder(id))
        }
        try? fm.removeItem(at: root.appendingPathComponent("blob-staging"))
    }

    public func fetch(_ entry: BackupManifest.Entry, backup id: String, to destination: URL) throws {
        try FileManager.default.copyItem(at: location(of: entry, backup: id), to: destination)
    }

    var backupsDirectory: URL { root.appendingPathComponent("backups") }
    var poolDirectory: URL { root.appendingPathComponent("blobs") }
    func keyPool(_ cipher: BackupCipher) -> URL { poolDirectory.appendingPathComponent(cipher.keyID) }

    /// The folder of one backup.
    public func folder(_ id: String) -> URL { backupsDirectory.appendingPathComponent(id) }
    /// Where a backup's non-blob file lives.
    public func filesDirectory(_ id: String) -> URL { folder(id).appendingPathComponent("files") }

    /// Copies a file (a key) into the backup, recording its hash.
    public func addFile(_ source: URL, as relativePath: String, kind: BackupManifest.Kind, backup id: String) throws -> BackupManifest.Entry {
        let dest = filesDirectory(id).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: dest.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: dest)
        try FileManager.default.copyItem(at: source, to: dest)
        let d = try SQLiteSnapshot.describe(dest)
        return .init(path: relativePath, size: d.size, sha256: d.sha256, kind: kind)
    }

    /// Records a file already written into the backup's folder (a database snapshot).
    public func recordFile(as relativePath: String, kind: BackupManifest.Kind, backup id: String) throws -> BackupManifest.Entry {
        let d = try SQLiteSnapshot.describe(filesDirectory(id).appendingPathComponent(relativePath))
        return .init(path: relativePath, size: d.size, sha256: d.sha256, kind: kind)
    }

    /// Adds a blob by content, as BlobService does: staged only if the pool does not hold it.
    public func addBlob(_ source: URL, as relativePath: String) throws -> (entry: BackupManifest.Entry, copied: Bool) {
        let d = try SQLiteSnapshot.describe(source)
        let stored = cipher.map { keyPool($0) } ?? poolDirectory
        let staged = stagingPool.appendingPathComponent(d.sha256)
        var copied = false
        let fm = FileManager.default
        if !fm.fileExists(atPath: stored.appendingPathComponent(d.sha256).path) && !fm.fileExists(atPath: staged.path) {
            try fm.createDirectory(at: stagingPool, withIntermediateDirectories: true)
            let temp = stagingPool.appendingPathComponent(".\(d.sha256).tmp")
            try? fm.removeItem(at: temp)
            try fm.copyItem(at: source, to: temp)
            try fm.moveItem(at: temp, to: staged)
            copied = true
        }
        return (.init(path: relativePath, size: d.size, sha256: d.sha256, kind: .blob, pooled: d.sha256), copied)
    }

    /// With a key, seals every staged file: the backup's own in place, staged blobs into the
    /// key's pool (each pooled name becomes `<key id>/<sha256>`), and records the key and the
    /// manifest's MAC. Then writes the manifest (atomically), re-reads every file to check
    /// it, and only then marks the backup complete.
    public func finish(_ manifest: BackupManifest) throws -> BackupManifest {
        var m = manifest
        if let cipher {
            let fm = FileManager.default
            try fm.createDirectory(at: keyPool(cipher), withIntermediateDirectories: true)
            for i in m.files.indices {
                guard let sha = m.files[i].pooled else {
                    try cipher.seal(location(of: m.files[i], backup: m.id))
                    continue
                }
                guard !sha.contains("/") else { continue }
                m.files[i].pooled = "\(cipher.keyID)/\(sha)"
                let staged = stagingPool.appendingPathComponent(sha)
                guard fm.fileExists(atPath: staged.path) else { continue }
                let stored = location(of: m.files[i], backup: m.id)
                if !fm.fileExists(atPath: stored.path) {
                    let temporary = keyPool(cipher).appendingPathComponent(".\(sha).enc")
                    try cipher.encrypt(staged, to: temporary)
                    try BackupCipher.rename(temporary, to: stored)
                }
                try? fm.removeItem(at: staged)
            }
            try? fm.removeItem(at: stagingPool)
            m.encryption = cipher.encryption(for: m)
        }
        m.completedAt = Date()
        try write(m)
        let problems = try verify(m)
        guard problems.isEmpty else {
            // A damaged pool entry would fail every later backup too: drop it so the next copies it afresh.
            let reader = m.encryption == nil ? nil : cipher
            for entry in m.files where entry.pooled != nil {
                let url = location(of: entry, backup: m.id)
                guard FileManager.default.fileExists(atPath: url.path) else { continue }
                let d = try? BackupStoredFile.describe(url, entry: entry, reader: reader)
                if d?.sha256 != entry.sha256 || d?.size != entry.size { try? FileManager.default.removeItem(at: url) }
            }
            throw BackupError("backup \(m.id) failed verification: \(problems.joined(separator: "; "))")
        }
        m.complete = true
        try write(m)
        return m
    }

    func write(_ manifest: BackupManifest) throws {
        try FileManager.default.createDirectory(at: folder(manifest.id), withIntermediateDirectories: true)
        try BackupManifest.encode(manifest).write(to: folder(manifest.id).appendingPathComponent("manifest.json"), options: .atomic)
    }

    /// The manifest of a backup.
    public func manifest(_ id: String) throws -> BackupManifest {
        try BackupManifest.decode(Data(contentsOf: folder(id).appendingPathComponent("manifest.json")))
    }

    /// Every backup with a manifest, oldest first.
    public func list() throws -> [BackupManifest] {
        guard let ids = try? FileManager.default.contentsOfDirectory(atPath: backupsDirectory.path) else { return [] }
        return ids.sorted().compactMap { try? manifest($0) }
    }

    /// Where a manifest entry's bytes are stored.
    public func location(of entry: BackupManifest.Entry, backup id: String) -> URL {
        if let pooled = entry.pooled { return poolDirectory.appendingPathComponent(pooled) }
        return filesDirectory(id).appendingPathComponent(entry.path)
    }

    /// Problems found re-reading a backup's files: missing, wrong size or wrong hash, or (an
    /// encrypted backup) no key, another key, an altered manifest or a file that does not open.
    public func verify(_ manifest: BackupManifest) throws -> [String] {
        let reader: BackupCipher?
        do { reader = try BackupStoredFile.reader(for: manifest, cipher: cipher) } catch { return [error.message] }
        var problems = [String]()
        for entry in manifest.files {
            let url = location(of: entry, backup: manifest.id)
            guard FileManager.default.fileExists(atPath: url.path) else { problems.append("\(entry.path) is missing"); continue }
            let d: (size: Int64, sha256: String)
            do { d = try BackupStoredFile.describe(url, entry: entry, reader: reader) } catch {
                problems.append((error as? BackupError)?.message ?? "\(entry.path): \(error)")
                continue
            }
            if d.size != entry.size || d.sha256 != entry.sha256 { problems.append("\(entry.path) does not match its recorded hash") }
        }
        return problems
    }

    /// Deletes a backup, then any pooled blob no remaining manifest refers to (in every key's pool).
    public func delete(_ id: String) throws {
        let fm = FileManager.default
        try fm.removeItem(at: folder(id))
        let used = Set(try list().flatMap { $0.files.compactMap(\.pooled) })
        for name in (try? fm.contentsOfDirectory(atPath: poolDirectory.path)) ?? [] {
            let url = poolDirectory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                for inner in (try? fm.contentsOfDirectory(atPath: url.path)) ?? [] where !used.contains("\(name)/\(inner)") {
                    try? fm.removeItem(at: url.appendingPathComponent(inner))
                }
            } else if !used.contains(name) {
                try? fm.removeItem(at: url)
            }
        }
    }
}

/// A backup, restore or drill failure, with what went wrong.
public struct BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    /// The XRPC error name this maps to.
    public var xrpcError: String { "InternalServerError" }
}
