import IPC

/// `#sync` announcements and repo resets, served from the account stores.
extension RepoServiceImplementation: RepoResetAPI {
    public func announceSync(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> RepoTypes.CommitRef {
        try await serve {
            let (store, _) = try await stores.store(for: request.did)
            let head = try await store.announceSync()
            await relay?.notify(request.did)
            return RepoTypes.CommitRef(cid: head.cid.string, rev: head.rev)
        }
    }

    public func rebuildRepo(_ request: RepoTypes.DIDRequest) async throws(IPCError) -> RepoResetTypes.RebuildResponse {
        try await serve {
            let (store, key) = try await stores.store(for: request.did)
            let rebuilt = try await store.rebuild(key: key, clock: clock)
            await relay?.notify(request.did)
            return RepoResetTypes.RebuildResponse(commit: .init(cid: rebuilt.commitCID.string, rev: rebuilt.rev),
                                                  records: rebuilt.records, droppedBlocks: rebuilt.droppedBlocks)
        }
    }
}
