@testable import Gateway
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The gateway's pacer steps the hub's walk on its event loop until a step answers false.
@Suite struct EventLoopPacerTests {
    @Test func stepsOnItsLoopUntilTold() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let steps = Atomic<Int>(0)
        let offLoop = Atomic<Int>(0)
        EventLoopPacer(eventLoop: loop).start(every: .milliseconds(1)) {
            if !loop.inEventLoop { offLoop.add(1, ordering: .relaxed) }
            return steps.add(1, ordering: .relaxed).newValue < 5
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while steps.load(ordering: .relaxed) < 5 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        // Told to stop at the fifth: no sixth step comes.
        try await Task.sleep(for: .milliseconds(50))
        #expect(steps.load(ordering: .relaxed) == 5)
        #expect(offLoop.load(ordering: .relaxed) == 0)
        try await group.shutdownGracefully()
    }
}
