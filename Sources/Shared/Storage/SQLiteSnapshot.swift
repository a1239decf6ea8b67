import Crypto
import Foundation
import GRDB

/// A consistent copy of a live SQLite database, taken with SQLite's online backup API while
/// the owner keeps writing — never a raw copy of a WAL database.
public enum SQLiteSnapshot {
    /// What a snapshot wrote.
    public struct Result: Sendable, Equatable, Codable {
        public let path: String
        public let size: Int64
        /// Hex SHA-256 of the snapshot file.
        public let sha256: String
    }

    /// Copies `source` to a new single-file database at `destination` (rollback journal, so
    /// the copy is one self-contained file) and hashes it.
    public static func write(_ source: any DatabaseReader, to destination: URL) throws -> Result {
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: destination)
        let target = try DatabaseQueue(path: destination.path)
        try source.backup(to: target)
        try target.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        try target.close()
        return try describe(destination)
    }

    /// `SELECT COUNT(*) …` on a snapshot file, read-only. Figures recorded with a backup come
    /// from the copy, not the live database: writes that land after the copy would otherwise
    /// make a sound backup fail its drill.
    public static func count(_ sql: String, in file: URL) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: file.path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// Size and SHA-256 of a file, read in chunks.
    public static func describe(_ file: URL) throws -> Result {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return Result(path: file.path, size: size, sha256: digest)
    }
}

/// How big a database's write-ahead log has grown: with automatic checkpoints off and
/// nothing checkpointing, it grows without bound, which `_health` reports.
public enum WALStatus {
    /// The `-wal` file's size in bytes (0 when absent).
    public static func size(ofDatabaseAt path: String) -> Int64 {
        let attrs = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
        return (attrs?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
