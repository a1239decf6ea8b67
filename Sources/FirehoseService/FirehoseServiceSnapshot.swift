import Foundation
import IPC
import Storage

extension FirehoseServiceImplementation: SnapshotAPI {
    /// Copies `sequencer.sqlite` consistently into the backup directory.
    public func snapshot(_ request: SnapshotTypes.Request) async throws(IPCError) -> SnapshotTypes.Response {
        do {
            let result = try sequencer.snapshot(to: URL(fileURLWithPath: request.directory).appendingPathComponent("sequencer.sqlite"))
            return SnapshotTypes.Response(files: [.init(path: "sequencer.sqlite", size: result.size, sha256: result.sha256, kind: "sqlite")],
                                          counts: ["seq": Int(try await sequencer.currentSeq())])
        } catch {
            throw IPCError.remote(name: "InternalServerError", message: "sequencer snapshot failed: \(error)")
        }
    }
}
