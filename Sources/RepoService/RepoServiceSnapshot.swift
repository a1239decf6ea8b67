import Foundation
import IPC
import Storage

extension RepoServiceImplementation: SnapshotAPI {
    /// Copies every account's store (consistently, one by one) and signing key into the
    /// backup directory, under the same paths as in the data directory.
    public func snapshot(_ request: SnapshotTypes.Request) async throws(IPCError) -> SnapshotTypes.Response {
        try await serve {
            let target = URL(fileURLWithPath: request.directory)
            let layout = stores.layout
            var files = [SnapshotTypes.File]()
            var records = 0
            let dids = await stores.allDIDs()
            for did in dids {
                let (store, _) = try await stores.store(for: did)
                let dbRelative = relativePath(layout.databasePath(for: did), under: layout.root.deletingLastPathComponent())
                let copy = target.appendingPathComponent(dbRelative)
                let snap = try store.snapshot(to: copy)
                files.append(.init(path: dbRelative, size: snap.size, sha256: snap.sha256, kind: "sqlite"))
                let keyRelative = relativePath(layout.keyPath(for: did), under: layout.root.deletingLastPathComponent())
                let keyCopy = target.appendingPathComponent(keyRelative)
                try? FileManager.default.removeItem(at: keyCopy)
                try FileManager.default.copyItem(at: layout.keyPath(for: did), to: keyCopy)
                let described = try SQLiteSnapshot.describe(keyCopy)
                files.append(.init(path: keyRelative, size: described.size, sha256: described.sha256, kind: "key"))
                records += try SQLiteSnapshot.count("SELECT COUNT(*) FROM record", in: copy)
            }
            return SnapshotTypes.Response(files: files, counts: ["repos": dids.count, "records": records])
        }
    }

    func relativePath(_ url: URL, under root: URL) -> String {
        String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
    }
}
