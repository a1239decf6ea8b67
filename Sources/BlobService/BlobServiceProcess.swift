import Config
import Foundation
import IPC
import Logging

/// Starts the BlobService process: its socket, the garbage-collection sweep and the reaper of
/// abandoned uploads.
public enum BlobServiceProcess {
    /// Binds the service's endpoint from `config` and serves its methods until stopped.
    public static func start(config: PDSConfig) async throws(IPCError) -> ServiceHost {
        let blobConfig: BlobServiceConfig
        let service: BlobService
        do {
            blobConfig = try BlobServiceConfig(pds: config, environment: ProcessInfo.processInfo.environment)
            service = try BlobService(config: blobConfig)
        } catch {
            throw IPCError.remote(name: "InternalServerError", message: "BlobService configuration: \(error)")
        }
        let implementation = BlobServiceImplementation(service: service)
        let logger = Logger(label: "pds.blob")
        // Both loops live as long as the process: the process entry exits once the host stops.
        Task.detached { await implementation.reapUploads(every: .seconds(15)) }
        Task.detached {
            await service.sweepPeriodically(every: blobConfig.sweepInterval) { error in
                logger.error("blob sweep failed: \(error)")
            }
        }
        var handlers = implementation.rpcHandlers()
        implementation.registerSnapshot(into: &handlers)
        return try await ServiceHost.serve(.blob, at: config.ipc.blob, handlers: handlers)
    }
}
