import Foundation
import GRDB
import IPLD
import Storage

/// The checks a restore drill runs on a restored data directory, beyond SQLite's own
/// `integrity_check`: blobs and the figures recorded at backup time.
public enum BackupDrill {
    /// Every blob's bytes hash to the CID it is filed under, and every blob `blobs.sqlite`
    /// lists is present (when the backup holds blobs: a disk store). Problems name the file.
    public static func checkBlobs(_ manifest: BackupManifest, in dataDirectory: URL) -> [String] {
        var problems = [String]()
        var present = Set<String>()
        let entries = manifest.files.filter { $0.kind == .blob }
        for entry in entries {
            let url = dataDirectory.appendingPathComponent(entry.path)
            guard let cid = try? CID(string: url.lastPathComponent) else {
                problems.append("\(entry.path): file name is not a blob CID")
                continue
            }
            guard let d = try? SQLiteSnapshot.describe(url) else {
                problems.append("\(entry.path): blob \(cid) is missing")
                continue
            }
            if d.sha256 != cid.digest.map({ String(format: "%02x", $0) }).joined() {
                problems.append("\(entry.path): bytes do not hash to CID \(cid)")
            } else {
                present.insert(cid.string)
            }
        }
        guard let recorded = manifest.counts["blobs"] else { return problems }
        if recorded != entries.count { problems.append("backup lists \(entries.count) blobs but BlobService recorded \(recorded)") }
        do {
            let queue = try DatabaseQueue(path: dataDirectory.appendingPathComponent("blobs.sqlite").path)
            let listed = try queue.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT cid FROM blob ORDER BY cid") }
            try queue.close()
            for cid in listed where !present.contains(cid) {
                problems.append("blob \(cid) listed in blobs.sqlite is missing from the backup")
            }
        } catch {
            problems.append("blobs.sqlite: \(error)")
        }
        return problems
    }

    /// The restored system against the figures recorded at backup time: account stores and
    /// repos, accounts in `auth.sqlite`, and records (`records` as the repo check counted them
    /// in the restored stores).
    public static func checkCounts(_ manifest: BackupManifest, in dataDirectory: URL, records: Int) -> [String] {
        var problems = [String]()
        let actorStores = manifest.files.filter { $0.kind == .sqlite && $0.path.hasPrefix("actors/") }.count
        if let repos = manifest.counts["repos"], repos != actorStores {
            problems.append("backup holds \(actorStores) account stores but \(repos) accounts had repos")
        }
        if let recorded = manifest.counts["records"], recorded != records {
            problems.append("restored repos hold \(records) records but \(recorded) were recorded at backup time")
        }
        if let recorded = manifest.counts["accounts"] {
            do {
                let accounts = try SQLiteSnapshot.count("SELECT COUNT(*) FROM account", in: dataDirectory.appendingPathComponent("auth.sqlite"))
                if accounts != recorded { problems.append("auth.sqlite holds \(accounts) accounts but \(recorded) were recorded at backup time") }
            } catch {
                problems.append("auth.sqlite: \(error)")
            }
        }
        return problems
    }
}
