import Config
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import IPC
import NIOCore
import Testing

/// A RepoService double answering the sync methods from fixed data.
private struct FixedRepo: RepoSyncAPI {
    func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { ProcessIdentity(service: .repo, version: "t").ping() }
    func syncGetRepo(_ r: RepoSyncTypes.GetRepoRequest) async throws(IPCError) -> RepoTypes.CARResponse {
        guard r.did == "did:plc:known" else { throw .remote(name: "RepoNotFound", message: "Could not find repo for DID: \(r.did)") }
        return .init(car: Data([1, 2, 3]))
    }
    func syncGetRepoStart(_ r: RepoSyncTypes.GetRepoRequest) async throws(IPCError) -> RepoSyncTypes.ExportStream {
        guard r.did == "did:plc:known" else { throw .remote(name: "RepoNotFound", message: "Could not find repo for DID: \(r.did)") }
        return .init(stream: "one")
    }
    func syncGetRepoChunk(_ r: RepoSyncTypes.ExportStream) async throws(IPCError) -> RepoSyncTypes.ExportChunk { .init(data: Data([1, 2, 3]), done: true) }
    func syncGetRepoCancel(_ r: RepoSyncTypes.ExportStream) async throws(IPCError) -> Empty { Empty() }
    func syncGetRecord(_ r: RepoSyncTypes.GetRecordRequest) async throws(IPCError) -> RepoTypes.CARResponse { .init(car: Data()) }
    func syncGetBlocks(_ r: RepoSyncTypes.GetBlocksRequest) async throws(IPCError) -> RepoTypes.CARResponse { .init(car: Data()) }
    func syncListRepos(_ r: RepoSyncTypes.ListReposRequest) async throws(IPCError) -> RepoSyncTypes.ListReposResponse {
        .init(repos: [.init(did: "did:plc:known", head: "bafyhead", rev: "3rev")], cursor: "did:plc:known")
    }
}

/// An AuthService double: every account active (only getAccount is served).
private func activeAccounts() -> RPCHandlers {
    var h = RPCHandlers()
    h.register(AuthMethods.getAccount) { r async throws(IPCError) in
        AuthTypes.AccountInfo(did: r.did, handle: "known.test", email: nil, emailConfirmed: false, active: true, status: nil, didDocJSON: nil)
    }
    return h
}

/// The sync routes' parameter checks and answers, with RepoService in process.
@Suite struct SyncRoutesTests {
    func makeApp() throws -> some ApplicationProtocol {
        let config = try PDSConfig(environment: ["PDS_DATA_DIRECTORY": NSTemporaryDirectory() + "gw-sync-\(UUID().uuidString.prefix(8))",
                                                 "PDS_JWT_SECRET": "0123456789abcdef0123", "PDS_ADMIN_PASSWORD": "admin"])
        var handlers = FixedRepo().commonHandlers()
        FixedRepo().registerSyncMethods(into: &handlers)
        let services = ServiceConnections(callers: [.repo: InProcessCaller(handlers, name: "repo"),
                                                    .auth: InProcessCaller(activeAccounts(), name: "auth")],
                                          metrics: GatewayMetrics())
        return Application(router: try GatewayServer.router(config: config, services: services, metrics: GatewayMetrics()))
    }

    func errorName(_ response: TestResponse) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])?["error"] as? String
    }

    @Test func parametersAreCheckedAndAnswersShaped() async throws {
        try await makeApp().test(.router) { client in
            let car = try await client.execute(uri: "/xrpc/com.atproto.sync.getRepo?did=did:plc:known", method: .get)
            #expect(car.status == .ok && car.headers[.contentType] == "application/vnd.ipld.car")
            #expect(Array(car.body.readableBytesView) == [1, 2, 3])
            for (uri, error) in [("getRepo", "InvalidRequest"), ("getRepo?did=notadid", "InvalidRequest"),
                                 ("getRepo?did=did:plc:other", "RepoNotFound"), ("getRepo?did=did:plc:known&since=yesterday", "InvalidRequest"),
                                 ("listRepos?limit=0", "InvalidRequest"), ("getRecord?did=did:plc:known&collection=x&rkey=a", "InvalidRequest"),
                                 ("getBlocks?did=did:plc:known", "InvalidRequest"), ("subscribeRepos", "InvalidRequest")] {
                let response = try await client.execute(uri: "/xrpc/com.atproto.sync." + uri, method: .get)
                #expect(response.status == .badRequest && errorName(response) == error, "\(uri)")
            }
            let list = try await client.execute(uri: "/xrpc/com.atproto.sync.listRepos?limit=1", method: .get)
            let json = try JSONSerialization.jsonObject(with: Data(list.body.readableBytesView)) as? [String: Any]
            #expect(json?["cursor"] as? String == "did:plc:known")
            let repos = json?["repos"] as? [[String: Any]]
            #expect(repos?.first?["active"] as? Bool == true && repos?.first?["head"] as? String == "bafyhead")
        }
    }
}
