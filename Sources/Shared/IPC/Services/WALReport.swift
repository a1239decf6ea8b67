import Foundation

/// The write-ahead logs of the SQLite files a service owns, as `ping` reports them for
/// `/xrpc/_health`. With `PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT=true` and nothing
/// checkpointing (Litestream stopped), a WAL grows by hundreds of MB per 200k rows; this is how
/// an operator sees it before the disk fills.
public struct WALReport: Codable, Sendable, Equatable {
    /// One `-wal` file and its size.
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int64
        public init(path: String, bytes: Int64) { self.path = path; self.bytes = bytes }
    }

    /// The sum over every WAL file found.
    public var totalBytes: Int64
    /// How many WAL files exist.
    public var files: Int
    /// The largest few, largest first (a service with thousands of per-account stores does not
    /// list them all).
    public var largest: [File]

    public init(totalBytes: Int64, files: Int, largest: [File]) {
        self.totalBytes = totalBytes
        self.files = files
        self.largest = largest
    }

    /// How many files `largest` keeps.
    public static let largestKept = 5

    /// Surveys `roots`: each is a database file (its `-wal` beside it is measured) or a
    /// directory searched recursively for `*-wal` files. Only file sizes are read, never the
    /// databases, so a service can answer for files it has open.
    public static func survey(_ roots: [String]) -> WALReport {
        let fm = FileManager.default
        var found: [File] = []
        for root in roots {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue {
                guard let walker = fm.enumerator(atPath: root) else { continue }
                while let relative = walker.nextObject() as? String {
                    guard relative.hasSuffix("-wal") else { continue }
                    let path = root + "/" + relative
                    found.append(File(path: path, bytes: size(of: path)))
                }
            } else if fm.fileExists(atPath: root + "-wal") {
                found.append(File(path: root + "-wal", bytes: size(of: root + "-wal")))
            }
        }
        found.sort { $0.bytes > $1.bytes }
        return WALReport(totalBytes: found.reduce(0) { $0 + $1.bytes }, files: found.count,
                         largest: Array(found.prefix(largestKept)))
    }

    private static func size(of path: String) -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
