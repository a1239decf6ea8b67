import Foundation

/// One process's log file under `pds up`: `<directory>/<name>.log`, appended to, rotated to
/// `<name>.log.<UTC time>` once it passes `maxBytes` or `maxAge`, and rotated files older
/// than `retention` removed at each rotation and at start. Without this a busy gateway's log
/// (a line per request) fills the disk in weeks.
///
/// Not thread-safe by itself: `OutputLines` calls it under its lock.
final class RotatingLogFile {
    /// Rotation and retention limits.
    struct Policy: Sendable {
        var maxBytes: Int64
        var maxAge: TimeInterval
        var retention: TimeInterval
    }

    let directory: URL
    let name: String
    let policy: Policy
    private let now: () -> Date
    private var fd: Int32 = -1
    private var size: Int64 = 0
    private var openedAt = Date()

    var path: String { directory.appendingPathComponent(name + ".log").path }

    init(directory: URL, name: String, policy: Policy, now: @escaping () -> Date = Date.init) {
        self.directory = directory
        self.name = name
        self.policy = policy
        self.now = now
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        open()
        removeExpired()
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends `bytes` (whole lines), rotating first when the file is due.
    func write(_ bytes: [UInt8]) {
        if size > 0, size + Int64(bytes.count) > policy.maxBytes || now().timeIntervalSince(openedAt) >= policy.maxAge {
            rotate()
        }
        guard fd >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { if errno == EINTR { continue } else { return } }
            offset += n
        }
        size += Int64(bytes.count)
    }

    /// Rotated files of this log, oldest first.
    func rotatedFiles() -> [URL] {
        let prefix = name + ".log."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.sorted().map { directory.appendingPathComponent($0) }
    }

    private func open() {
        fd = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        var info = stat()
        size = fd >= 0 && fstat(fd, &info) == 0 ? Int64(info.st_size) : 0
        // A file kept from an earlier run is as old as its last write, near enough.
        openedAt = size > 0 ? Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec)) : now()
    }

    private func rotate() {
        if fd >= 0 { close(fd) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var target = path + "." + formatter.string(from: now())
        var suffix = 1
        while FileManager.default.fileExists(atPath: target) { target = path + "." + formatter.string(from: now()) + "-\(suffix)"; suffix += 1 }
        _ = Foundation.rename(path, target)
        open()
        removeExpired()
    }

    private func removeExpired() {
        let cutoff = now().addingTimeInterval(-policy.retention)
        for file in rotatedFiles() {
            let modified = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
            if let modified, modified < cutoff { try? FileManager.default.removeItem(at: file) }
        }
    }
}
