import ATCrypto
import Foundation
import IPC
import IPLD
import Repo

/// `importRepo`, served from the account stores: the CAR is gathered piece by piece,
/// verified as a whole (`ImportedRepo.verify`), stored in one transaction, and only then are
/// the records' blob references handed to BlobService (which lists what is still missing).
extension RepoServiceImplementation: RepoImportAPI {
    public func importStart(_ request: RepoImportTypes.StartRequest) async throws(IPCError) -> RepoImportTypes.StartResponse {
        try await serve {
            _ = try await stores.store(for: request.did) // the account's repo must exist
            return RepoImportTypes.StartResponse(importID: try await imports.start(did: request.did, limit: request.limit))
        }
    }

    public func importChunk(_ request: RepoImportTypes.ChunkRequest) async throws(IPCError) -> Empty {
        try await serve {
            try await imports.append(request.importID, index: request.index, request.data)
            return Empty()
        }
    }

    public func importAbort(_ request: RepoImportTypes.AbortRequest) async throws(IPCError) -> Empty {
        await imports.abort(request.importID)
        return Empty()
    }

    public func importFinish(_ request: RepoImportTypes.FinishRequest) async throws(IPCError) -> RepoImportTypes.FinishResponse {
        try await serve {
            let (did, car) = try await imports.take(request.importID)
            guard !car.isEmpty else { throw RepoServiceError.invalidRequest("The request body is empty: send the repo as a CAR") }
            let (store, key) = try await stores.store(for: did)
            var keys: [any PublicKey] = [key.publicKey]
            for didKey in request.signingKeys {
                if let parsed = try? DIDKey.parse(didKey), parsed.didKey != key.didKey { keys.append(parsed) }
            }
            let validator = writer.validator
            // Verification is CPU work over the whole CAR: off the cooperative pool's few threads.
            let imported = try await Task.detached(priority: .utility) {
                try ImportedRepo.verify(car: car, did: did, keys: keys, validator: validator)
            }.value
            let stored = try await store.importRepo(imported, key: key, clock: clock, announce: request.announce)
            if request.announce { await relay?.notify(did) }
            let uris = imported.blobs.map { (path, cids) in
                BlobTypes.RecordBlobs(recordURI: "at://\(did)/\(path)", cids: cids.map(\.string))
            }
            if let blobs = writer.blobs?.blobs {
                _ = try await blobs.importReferences(.init(did: did, records: uris, rev: stored.rev))
            }
            return RepoImportTypes.FinishResponse(commit: .init(cid: stored.commitCID.string, rev: stored.rev),
                                                  records: stored.records, blocks: imported.blocks.count,
                                                  blobs: Set(imported.blobs.values.joined()).count)
        }
    }
}
