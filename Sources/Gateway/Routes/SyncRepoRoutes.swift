import IPC
import NIOCore
import Syntax

/// The `com.atproto.sync` queries relays and AppViews crawl a PDS with: whole repos, heads
/// and statuses here; single records and blocks in `SyncRecordRoutes`.
enum SyncRoutes {
    /// The media type of every CAR answer.
    static let carContentType = "application/vnd.ipld.car"

    static func register(in routes: inout XRPCRoutes, services: ServiceConnections) throws {
        try SyncRepoStream.register(in: &routes, services: services)
        routes.add(.query(try NSID("com.atproto.sync.getLatestCommit")) { request throws(XRPCError) in
            let did = try requiredDID(request)
            try await SyncAccountStatus.requireActive(did, services: services, headers: request.headers)
            let head = try await call { () async throws(IPCError) in try await services.repo.latestCommit(.init(did: did)) }
            return try .json(head)
        })
        routes.add(.query(try NSID("com.atproto.sync.getRepoStatus")) { request throws(XRPCError) in
            let did = try requiredDID(request)
            let head = try await call { () async throws(IPCError) in try await services.repo.latestCommit(.init(did: did)) }
            let status = try await SyncAccountStatus.of(did, services: services)
            // As the reference: the rev only of an active account.
            return try .json(RepoStatus(did: did, active: status.active, status: status.status, rev: status.active ? head.rev : nil))
        })
        routes.add(.query(try NSID("com.atproto.sync.listRepos")) { request throws(XRPCError) in
            let limit = try intParameter(request, "limit", in: 1...1000) ?? 500
            let page = try await call { () async throws(IPCError) in
                try await services.repoSync.syncListRepos(.init(limit: limit, cursor: request.parameter("cursor")))
            }
            var repos: [ListedRepo] = []
            for repo in page.repos {
                let status = try await SyncAccountStatus.of(repo.did, services: services)
                repos.append(ListedRepo(did: repo.did, head: repo.head, rev: repo.rev, active: status.active, status: status.status))
            }
            return try .json(ListReposOutput(cursor: page.cursor, repos: repos))
        })
        try SyncRecordRoutes.register(in: &routes, services: services)
    }

    struct RepoStatus: Encodable {
        var did: String
        var active: Bool
        var status: String?
        var rev: String?
    }

    struct ListedRepo: Encodable {
        var did: String
        var head: String
        var rev: String
        var active: Bool
        var status: String?
    }

    struct ListReposOutput: Encodable {
        var cursor: String?
        var repos: [ListedRepo]
    }

    /// The `did` parameter, checked to be a DID.
    static func requiredDID(_ request: XRPCRequest) throws(XRPCError) -> String {
        let did = try request.requiredParameter("did")
        guard (try? DID(did)) != nil else { throw .invalidRequest("Error: did must be a valid did") }
        return did
    }

    /// An integer parameter within `range`, if present.
    static func intParameter(_ request: XRPCRequest, _ name: String, in range: ClosedRange<Int>) throws(XRPCError) -> Int? {
        guard let text = request.parameter(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidRequest("Error: \(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// Runs an IPC call, answering its failure as the XRPC error it names.
    static func call<T>(_ body: () async throws(IPCError) -> T) async throws(XRPCError) -> T {
        do throws(IPCError) { return try await body() } catch { throw XRPCError(error) }
    }
}
