import Foundation
import GRDB
import IPC
import Storage

extension AuthServiceImplementation: SnapshotAPI {
    /// Copies `auth.sqlite` consistently into the backup directory.
    public func snapshot(_ request: SnapshotTypes.Request) async throws(IPCError) -> SnapshotTypes.Response {
        try await serve {
            let copy = URL(fileURLWithPath: request.directory).appendingPathComponent("auth.sqlite")
            let result = try store.snapshot(to: copy)
            return SnapshotTypes.Response(files: [.init(path: "auth.sqlite", size: result.size, sha256: result.sha256, kind: "sqlite")],
                                          counts: ["accounts": try SQLiteSnapshot.count("SELECT COUNT(*) FROM account", in: copy)])
        }
    }
}

extension AuthStore {
    /// How many accounts exist.
    public func accountCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account") ?? 0 }
    }
}
