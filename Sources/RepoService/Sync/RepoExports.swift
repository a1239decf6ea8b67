import Foundation
import IPC

/// The `getRepo` exports in progress, each a producer walking the repo into an `ExportPipe`
/// and read by the gateway one chunk per call.
actor RepoExports {
    private var pipes: [String: ExportPipe] = [:]
    private var opened: [String: ContinuousClock.Instant] = [:]
    /// An export not finished by then is dropped (its gateway died mid-read).
    static let lifetime = Duration.seconds(600)
    /// Bytes handed over per `getRepoChunk` call.
    static let chunkBytes = 1 << 20

    /// Starts an export; `run` streams the CAR into the sink it is given.
    func open(_ run: @escaping @Sendable (@escaping @Sendable ([UInt8]) throws -> Void) async throws -> Void) -> String {
        let now = ContinuousClock.now
        for (id, at) in opened where now - at > Self.lifetime { close(id) }
        let id = UUID().uuidString
        let pipe = ExportPipe()
        pipes[id] = pipe
        opened[id] = now
        Task.detached {
            do {
                try await run { try pipe.push($0) }
                pipe.finish()
            } catch {
                pipe.finish(error)
                // Abandoned by the consumer: nobody will ask for the rest.
                if error is ExportPipe.Abandoned { await self.close(id) }
            }
        }
        return id
    }

    /// Export `id`'s pipe, while it runs.
    func pipe(_ id: String) -> ExportPipe? { pipes[id] }

    func close(_ id: String) {
        opened.removeValue(forKey: id)
        pipes.removeValue(forKey: id)?.abandon()
    }
}
