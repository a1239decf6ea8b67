import Foundation
import IPC

extension BlobServiceImplementation: SnapshotAPI {
    /// Copies `blobs.sqlite` consistently into the backup directory and, for a disk store,
    /// every blob it lists into the backup's content-addressed pool (only those not there yet).
    public func snapshot(_ request: SnapshotTypes.Request) async throws(IPCError) -> SnapshotTypes.Response {
        try await serve {
            let snap = try await service.snapshot(into: URL(fileURLWithPath: request.directory),
                                                  pool: request.blobPool.map { URL(fileURLWithPath: $0) },
                                                  known: Set(request.knownBlobs ?? []))
            var files = [SnapshotTypes.File(path: snap.database.path, size: snap.database.size, sha256: snap.database.sha256, kind: "sqlite")]
            files += snap.blobs.map { .init(path: $0.path, size: $0.size, sha256: $0.sha256, kind: "blob", pooled: $0.pooled) }
            // `blobs` only when they are in the backup: the drill then checks every row has its bytes.
            let counts = snap.includesBlobs ? ["blobs": snap.blobs.count, "blobsCopied": snap.copied] : [:]
            return SnapshotTypes.Response(files: files, counts: counts)
        }
    }
}
