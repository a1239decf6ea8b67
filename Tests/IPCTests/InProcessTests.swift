import Testing
@testable import IPC

/// A toy RepoService implementation, to show a service protocol served in one process.
private struct FakeRepoService: ServiceAPI {
    let identity = ProcessIdentity(service: .repo, version: "test")
    func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping() }
}

@Suite struct InProcessTests {
    @Test func serviceProtocolServedInProcess() async throws {
        let client = RepoServiceClient(caller: InProcessCaller(FakeRepoService().commonHandlers()))
        let pong = try await client.ping(PingRequest())
        #expect(pong.service == .repo)
        #expect(pong.version == "test")
    }

    @Test func sameProtocolServedOverASocket() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "repo")
        let server = try await RPCServer(endpoint: address, handlers: FakeRepoService().commonHandlers())
        let caller = try await RPCClient(endpoint: address)
        let pong = try await RepoServiceClient(caller: caller).ping(PingRequest())
        #expect(pong.service == .repo)
        #expect(pong.pid > 0)
        await caller.stop()
        await server.stop()
    }

    @Test func inProcessCallsHonourDeadlinesAndErrors() async throws {
        let caller = InProcessCaller(TestMethods.handlers())
        await #expect(throws: IPCError.timeout(method: "nap", endpoint: caller.endpoint)) {
            try await caller.call(TestMethods.nap, .init(milliseconds: 5000), timeout: .milliseconds(50))
        }
        await #expect(throws: IPCError.remote(name: "RecordNotFound", message: "no such record")) {
            try await caller.call(TestMethods.fail, Empty())
        }
        #expect(try await caller.call(TestMethods.echo, .init(text: "in")).text == "IN")
    }
}
