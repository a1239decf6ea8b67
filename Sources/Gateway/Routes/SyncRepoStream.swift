import Foundation
import HTTPTypes
import Hummingbird
import IPC
import NIOCore
import Syntax

/// `com.atproto.sync.getRepo`, streamed: RepoService walks the repo into a bounded pipe and
/// the gateway reads it 1 MiB per call, writing each piece to the HTTP body while the next
/// is fetched. Neither process holds the whole CAR, however large the repo.
enum SyncRepoStream {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections) throws {
        let repoSync = services.repoSync
        routes.add(StreamingXRPCMethod(try NSID("com.atproto.sync.getRepo"), .query) { request in
            let parameters = XRPCDispatcher<BasicRequestContext>.parameters(request)
            guard let did = parameters["did"]?.first, !did.isEmpty else {
                throw XRPCError.invalidRequest("Error: Params must have the property \"did\"")
            }
            guard (try? DID(did)) != nil else { throw XRPCError.invalidRequest("Error: did must be a valid did") }
            try await SyncAccountStatus.requireActive(did, services: services, headers: request.headers)
            let since = parameters["since"]?.first
            if let since, !since.isEmpty, !TID.isValid(since) { throw XRPCError.invalidRequest("since must be a TID (a repo rev)") }
            let stream = try await SyncRoutes.call { () async throws(IPCError) in try await repoSync.syncGetRepoStart(.init(did: did, since: since)) }
            // The first piece before answering, so a missing repo is an XRPC error, not a cut body.
            let first: RepoSyncTypes.ExportChunk
            do { first = try await repoSync.syncGetRepoChunk(stream) } catch { throw XRPCError(any: error) }
            return Response(status: .ok, headers: [.contentType: SyncRoutes.carContentType],
                            body: body(first: first, stream: stream, repoSync: repoSync))
        })
    }

    /// The rest of the CAR after `first`, the next piece requested while one is written.
    static func body(first: RepoSyncTypes.ExportChunk, stream: RepoSyncTypes.ExportStream, repoSync: RepoSyncClient) -> ResponseBody {
        @Sendable func read() -> Task<RepoSyncTypes.ExportChunk, any Error> {
            Task { try await repoSync.syncGetRepoChunk(stream) }
        }
        return ResponseBody { writer in
            var current = first
            while true {
                let pending = current.done ? nil : read()
                do {
                    if !current.data.isEmpty { try await writer.write(ByteBuffer(bytes: current.data)) }
                } catch {
                    // The client went away: stop the export instead of letting it wait out its patience.
                    pending?.cancel()
                    _ = try? await repoSync.syncGetRepoCancel(stream)
                    throw error
                }
                guard let pending else { break }
                do { current = try await pending.value } catch {
                    _ = try? await repoSync.syncGetRepoCancel(stream)
                    throw error
                }
            }
            try await writer.finish(nil)
        }
    }
}
