import Foundation
import Testing
@testable import IPC

/// The races particular to sending on a shared socket (see `SharedSocket`): a sender's libzmq call
/// can swallow the wake-up the socket thread sleeps on, and a sleeping thread must still wake for
/// a deadline nearer than its planned wake-up. A lost wake-up shows as calls timing out.
@Suite struct SharedSocketTests {
    static let shout = RPCMethod<TestMethods.Text, TestMethods.Text>("shout")

    @Test func burstsWithPausesNeverLoseAWakeUp() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "bursts")
        var handlers = TestMethods.handlers()
        handlers.registerImmediate(Self.shout) { request throws(IPCError) in .init(text: request.text + "!") }
        let server = try await RPCServer(endpoint: address, handlers: handlers)
        let client = try await RPCClient(endpoint: address)
        // Bursts from many tasks, broken by short pauses so that both socket threads keep going
        // to sleep and waking while replies and requests are being sent from other threads.
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for caller in 0..<24 {
                group.addTask {
                    var failures = 0
                    for i in 0..<120 {
                        if (i + caller) % 17 == 0 { try await Task.sleep(for: .microseconds(Int.random(in: 100...2000))) }
                        do {
                            if i.isMultiple(of: 3) {
                                let reply = try await client.call(Self.shout, .init(text: "c\(caller)"), timeout: .seconds(3))
                                if reply.text != "c\(caller)!" { failures += 1 }
                            } else {
                                let reply = try await client.call(TestMethods.echo, .init(text: "c\(caller)-\(i)"), timeout: .seconds(3))
                                if reply.text != "C\(caller)-\(i)" { failures += 1 }
                            }
                        } catch {
                            failures += 1
                        }
                    }
                    return failures
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(failures == 0)
        await client.stop()
        await server.stop()
    }

    @Test func aShortDeadlineWakesAnIdleClient() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "idle")
        let server = try await RPCServer(endpoint: address, handlers: TestMethods.handlers())
        let client = try await RPCClient(endpoint: address)
        #expect(try await client.call(TestMethods.echo, .init(text: "warm")).text == "WARM")
        // Past one idle tick: the client's socket thread now sleeps with no wake-up planned.
        try await Task.sleep(for: .milliseconds(ClientLoop.tickNanos / 1_000_000 + 300))
        let started = ContinuousClock.now
        await #expect(throws: IPCError.timeout(method: "nap", endpoint: address)) {
            try await client.call(TestMethods.nap, .init(milliseconds: 2000), timeout: .milliseconds(100))
        }
        #expect(ContinuousClock.now - started < .milliseconds(700))
        #expect(try await client.call(TestMethods.echo, .init(text: "again")).text == "AGAIN")
        await client.stop()
        await server.stop(grace: .milliseconds(10))
    }
}
