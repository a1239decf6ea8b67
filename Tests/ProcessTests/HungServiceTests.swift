import Foundation
import Testing

/// A service that stops answering without exiting (SIGSTOP: a hung process, a stalled disk):
/// calls that need it fail within the IPC deadline with a clear XRPC error naming no
/// internals, the PDS keeps serving what does not need it, and once the service answers
/// again (SIGCONT) so does the PDS, with nothing lost.
@Suite(.serialized) struct HungServiceTests {
    @Test func aServiceThatStopsAnsweringFailsFastAndRecovers() async throws {
        let pds = try PDSUp(environment: ["PDS_IPC_TIMEOUT_MS": "1500"])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let account = try #require(await HTTP.post(pds.baseURL + "/xrpc/com.atproto.server.createAccount",
                                                   body: Data(#"{"handle":"hung.test","password":"hung-password"}"#.utf8)))
        try #require(account.status == 200)
        let did = try #require(account.json?["did"] as? String)
        let repo = try #require(pds.children()["repo"])

        kill(repo, SIGSTOP)
        defer { kill(repo, SIGCONT) }
        let read = try #require(await HTTP.get(pds.baseURL + "/xrpc/com.atproto.repo.describeRepo?repo=\(did)"))
        #expect(read.status == 503 && read.errorName == "UpstreamTimeout", "\(read.status) \(String(decoding: read.body, as: UTF8.self))")
        #expect(read.elapsed < .seconds(4), "took \(read.elapsed)")
        let message = read.json?["message"] as? String ?? ""
        #expect(!message.contains("/") && !message.contains("ipc:"), "the message leaks internals: \(message)")
        let describe = try #require(await HTTP.get(pds.baseURL + "/xrpc/com.atproto.server.describeServer"))
        #expect(describe.status == 200, "what needs no RepoService still answers")
        let health = try #require(await HTTP.get(pds.baseURL + "/xrpc/_health"))
        #expect(health.status == 503)

        kill(repo, SIGCONT)
        let back = await HTTP.eventually(within: .seconds(10)) {
            await HTTP.get(pds.baseURL + "/xrpc/com.atproto.repo.describeRepo?repo=\(did)")?.status == 200
        }
        #expect(back, "RepoService answered again but the PDS did not:\n\(pds.log())")
        #expect(pds.children()["repo"] == repo, "a hung service is not restarted, it is waited for")
        #expect(await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200)
    }
}
