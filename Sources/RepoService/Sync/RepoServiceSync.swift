import Foundation
import IPC
import IPLD

/// The sync reads relays and AppViews crawl (`com.atproto.sync.*`), served from the account
/// stores. Account status (deactivated, taken down) is AuthService's and checked by the gateway.
extension RepoServiceImplementation: RepoSyncAPI {
    public func syncGetRepo(_ request: RepoSyncTypes.GetRepoRequest) async throws(IPCError) -> RepoTypes.CARResponse {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            let collector = CARCollector()
            if let since = request.since, !since.isEmpty {
                try await store.exportCAR(since: since) { collector.append($0) }
            } else {
                try await store.exportCAR { collector.append($0) }
            }
            return RepoTypes.CARResponse(car: collector.data)
        }
    }

    public func syncGetRepoStart(_ request: RepoSyncTypes.GetRepoRequest) async throws(IPCError) -> RepoSyncTypes.ExportStream {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            let since = request.since.flatMap { $0.isEmpty ? nil : $0 }
            let id = await exports.open { sink in
                if let since { try await store.exportCAR(since: since, sink: sink) } else { try await store.exportCAR(sink: sink) }
            }
            return RepoSyncTypes.ExportStream(stream: id)
        }
    }

    public func syncGetRepoChunk(_ request: RepoSyncTypes.ExportStream) async throws(IPCError) -> RepoSyncTypes.ExportChunk {
        try await serve {
            guard let pipe = await exports.pipe(request.stream) else {
                throw RepoServiceError.invalidRequest("no getRepo export \(request.stream) (finished or expired)")
            }
            do {
                let (data, done) = try await pipe.next(maxBytes: RepoExports.chunkBytes)
                if done { await exports.close(request.stream) }
                return RepoSyncTypes.ExportChunk(data: data, done: done)
            } catch {
                await exports.close(request.stream)
                throw error
            }
        }
    }

    public func syncGetRepoCancel(_ request: RepoSyncTypes.ExportStream) async throws(IPCError) -> Empty {
        await exports.close(request.stream)
        return Empty()
    }

    public func syncGetRecord(_ request: RepoSyncTypes.GetRecordRequest) async throws(IPCError) -> RepoTypes.CARResponse {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            guard let car = try await store.recordProofCAR(path: "\(request.collection)/\(request.rkey)") else {
                throw RepoServiceError.recordNotFound("Could not locate record: at://\(request.did)/\(request.collection)/\(request.rkey)")
            }
            return RepoTypes.CARResponse(car: Data(car))
        }
    }

    public func syncGetBlocks(_ request: RepoSyncTypes.GetBlocksRequest) async throws(IPCError) -> RepoTypes.CARResponse {
        try await serve {
            let cids = try request.cids.map { (s: String) throws -> CID in
                do { return try CID(string: s) } catch { throw RepoServiceError.invalidRequest("invalid cid \(s)") }
            }
            let (store, _) = try await stores.store(for: request.did)
            switch try await store.blocksCAR(cids) {
            case .success(let car): return RepoTypes.CARResponse(car: Data(car))
            case .failure(let missing):
                // The reference PDS names the missing CIDs in an InvalidRequest.
                throw RepoServiceError.invalidRequest("Could not find cids: \(missing.cids.map(\.string).joined(separator: ","))")
            }
        }
    }

    public func syncListRepos(_ request: RepoSyncTypes.ListReposRequest) async throws(IPCError) -> RepoSyncTypes.ListReposResponse {
        try await serve {
            let limit = max(1, min(request.limit, 1000))
            var repos: [RepoSyncTypes.RepoHead] = []
            var last: String? = nil
            for did in await stores.allDIDs() where request.cursor.map({ did > $0 }) ?? true {
                last = did
                // A store whose repo was never created (a crash mid-creation) is not a repo yet.
                guard let head = try? await stores.store(for: did).store.head() else { continue }
                repos.append(.init(did: did, head: head.cid.string, rev: head.rev))
                if repos.count == limit { break }
            }
            return RepoSyncTypes.ListReposResponse(repos: repos, cursor: repos.count == limit ? last : nil)
        }
    }
}
