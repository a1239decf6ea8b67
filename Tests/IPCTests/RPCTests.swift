import Foundation
import Testing
@testable import IPC

@Suite struct RPCTests {
    @Test func roundTripOverIPC() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "echo")
        let server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        let client = try await RPCClient(endpoint: address)
        let reply = try await client.call(TestMethods.echo, .init(text: "hello"))
        #expect(reply.text == "HELLO")
        await client.stop()
        await server.stop()
    }

    @Test func manyConcurrentCallsAllGetTheirOwnReply() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "echo")
        let server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        let client = try await RPCClient(endpoint: address)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let reply = try await client.call(TestMethods.echo, .init(text: "m\(i)"))
                    #expect(reply.text == "M\(i)")
                }
            }
            try await group.waitForAll()
        }
        await client.stop()
        await server.stop()
    }

    @Test func remoteErrorsArriveTyped() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "fail")
        let server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        let client = try await RPCClient(endpoint: address)
        await #expect(throws: IPCError.remote(name: "RecordNotFound", message: "no such record")) {
            try await client.call(TestMethods.fail, Empty())
        }
        await #expect(throws: IPCError.remote(name: "MethodNotImplemented", message: "no IPC method nope")) {
            try await client.call(RPCMethod<Empty, Empty>("nope"), Empty())
        }
        await client.stop()
        await server.stop()
    }

    @Test func slowReplyIsATypedTimeout() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "slow")
        let server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        let client = try await RPCClient(endpoint: address)
        let started = ContinuousClock.now
        await #expect(throws: IPCError.timeout(method: "nap", endpoint: address)) {
            try await client.call(TestMethods.nap, .init(milliseconds: 2000), timeout: .milliseconds(100))
        }
        // Before the 2 s nap would have ended: the deadline, not the reply, ended the call.
        #expect(ContinuousClock.now - started < .milliseconds(1500))
        // The late reply is dropped and the client keeps working.
        #expect(try await client.call(TestMethods.echo, .init(text: "after")).text == "AFTER")
        await client.stop()
        await server.stop(grace: .milliseconds(10))
    }

    @Test func noServiceMeansUnavailableQuickly() async throws {
        let dir = try temporarySocketDirectory()
        let client = try await RPCClient(endpoint: endpoint(in: dir, "nobody"), connectWait: .milliseconds(100))
        let started = ContinuousClock.now
        await #expect(throws: IPCError.unavailable(endpoint: client.endpoint)) {
            try await client.call(TestMethods.echo, .init(text: "x"), timeout: .seconds(5))
        }
        // Well before the call's 5 s deadline: it failed fast instead of waiting it out.
        #expect(ContinuousClock.now - started < .seconds(3))
        await client.stop()
    }

    @Test func reconnectsWhenTheServiceRestarts() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "restart")
        var server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        let client = try await RPCClient(endpoint: address, connectWait: .milliseconds(100))
        #expect(try await client.call(TestMethods.echo, .init(text: "one")).text == "ONE")
        await server.stop()
        await #expect(throws: IPCError.self) {
            try await client.call(TestMethods.echo, .init(text: "gone"), timeout: .milliseconds(300))
        }
        server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        // libzmq reconnects within its reconnect interval (50-500 ms); the call waits for it.
        var reply: TestMethods.Text?
        for _ in 0..<20 where reply == nil {
            reply = try? await client.call(TestMethods.echo, .init(text: "two"), timeout: .milliseconds(500))
        }
        #expect(reply?.text == "TWO")
        await client.stop()
        await server.stop()
    }

    @Test func callsOutstandingAtStopFailInsteadOfHanging() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "stop")
        let server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        let client = try await RPCClient(endpoint: address)
        let pending = Task { try await client.call(TestMethods.nap, .init(milliseconds: 3000), timeout: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        await client.stop()
        await #expect(throws: IPCError.stopped) { try await pending.value }
        await #expect(throws: IPCError.stopped) { try await client.call(TestMethods.echo, .init(text: "x")) }
        await server.stop(grace: .milliseconds(10))
    }

    @Test func cancellationEndsTheCall() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "cancel")
        let server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        let client = try await RPCClient(endpoint: address)
        let task = Task { try await client.call(TestMethods.nap, .init(milliseconds: 3000), timeout: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: IPCError.cancelled) { try await task.value }
        await client.stop()
        await server.stop(grace: .milliseconds(10))
    }

    @Test func bindingAnAddressTwiceFails() async throws {
        let address = "tcp://127.0.0.1:\(Int.random(in: 20000..<30000))"
        let server = try await RPCServer(endpoint: address, handlers: RPCHandlers())
        await #expect(throws: IPCError.self) { try await RPCServer(endpoint: address, handlers: RPCHandlers()) }
        await server.stop()
    }

    @Test func worksOverLoopbackTCP() async throws {
        let address = "tcp://127.0.0.1:\(Int.random(in: 30000..<40000))"
        let server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        let client = try await RPCClient(endpoint: address)
        #expect(try await client.call(TestMethods.echo, .init(text: "tcp")).text == "TCP")
        await client.stop()
        await server.stop()
    }
}

@Suite struct DisconnectTests {
    @Test func callsInFlightWhenTheServiceDiesFailAtOnce() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "dies")
        let server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        let client = try await RPCClient(endpoint: address)
        _ = try await client.call(TestMethods.echo, .init(text: "warm"))
        let pending = Task { try await client.call(TestMethods.nap, .init(milliseconds: 5000), timeout: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        await server.stop(grace: .zero)
        await #expect(throws: IPCError.unavailable(endpoint: address)) { try await pending.value }
        #expect(ContinuousClock.now - started < .seconds(2))
        await client.stop()
    }
}
