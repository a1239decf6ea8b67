import Foundation
import Synchronization

/// `pds up`'s process supervisor: one child per PDS process, each restarted with exponential
/// back-off when it exits or is killed, without touching the others; SIGTERM to all on stop.
///
/// Each child has a keeper thread that spawns it and blocks in `waitpid`. Threads rather than
/// tasks, because `waitpid` and the back-off sleep block and must not hold a pool thread.
final class Supervisor: Sendable {
    /// One supervised process: its name in logs and the `pds` arguments that run it.
    struct Child: Sendable {
        let name: String
        let arguments: [String]
    }

    /// Restart timing: `initial` after the first exit, doubling to `maximum`; a child that stayed
    /// up for `stableAfter` starts again from `initial`.
    struct Backoff: Sendable {
        var initial: Duration = .milliseconds(200)
        var maximum: Duration = .seconds(30)
        var stableAfter: Duration = .seconds(30)
    }

    private struct State {
        var stopping = false
        var pids: [String: pid_t] = [:]
        var running = 0
    }

    private let executable: String
    private let children: [Child]
    private let environment: [String: String]
    private let backoff: Backoff
    private let output: OutputLines
    private let state = Mutex(State())
    /// Signalled on stop so that keepers sleeping through a back-off wake at once.
    private let wake = NSCondition()
    private let finished = NSCondition()

    init(executable: String, children: [Child], environment: [String: String], backoff: Backoff = Backoff(),
         logs: (directory: URL, policy: RotatingLogFile.Policy)? = nil) {
        self.executable = executable
        self.children = children
        self.environment = environment
        self.backoff = backoff
        output = OutputLines(names: children.map(\.name) + ["up"], logs: logs)
    }

    /// Starts every child's keeper.
    func start() {
        state.withLock { $0.running = children.count }
        for child in children {
            let thread = Thread { [self] in keep(child) }
            thread.name = "keeper \(child.name)"
            thread.start()
        }
    }

    /// Forwards `signal` to every child, stops restarting them and waits (up to `grace`, then
    /// SIGKILL) until all have exited.
    func stop(signal: Int32 = SIGTERM, grace: TimeInterval = 10) {
        let pids = state.withLock { s in
            s.stopping = true
            return Array(s.pids.values)
        }
        wake.broadcast()
        output.note("stopping \(pids.count) processes")
        for pid in pids { kill(pid, signal) }
        let deadline = Date(timeIntervalSinceNow: grace)
        finished.lock()
        while state.withLock({ $0.running }) > 0 && finished.wait(until: deadline) {}
        finished.unlock()
        let stragglers = state.withLock { Array($0.pids) }
        for (name, pid) in stragglers {
            output.note("\(name) did not stop within \(Int(grace)) s; killing it")
            kill(pid, SIGKILL)
        }
    }

    /// Waits until every keeper has finished (after `stop`).
    func waitUntilStopped() {
        finished.lock()
        while state.withLock({ $0.running }) > 0 { finished.wait() }
        finished.unlock()
    }

    /// The current pid of each child, for tests and status output.
    var pids: [String: pid_t] { state.withLock { $0.pids } }

    private func keep(_ child: Child) {
        var delay = backoff.initial
        while true {
            let started = ContinuousClock.now
            // Spawn under the lock, so a concurrent stop either sees the pid or stops us first.
            let spawned: Result<(pid_t, Int32), any Error>? = state.withLock { s in
                if s.stopping { return nil }
                let result = Result { try ChildProcess.spawn(executable: executable, arguments: child.arguments, environment: environment) }
                if case .success(let (pid, _)) = result { s.pids[child.name] = pid }
                return result
            }
            guard let spawned else { break }
            switch spawned {
            case .failure(let error):
                output.note("cannot start \(child.name): \(error)")
            case .success(let (pid, outputFD)):
                output.note("started \(child.name) (pid \(pid))")
                ChildProcess.relayOutput(from: outputFD, name: child.name, output: output)
                let status = Self.waitForExit(pid)
                let stopping = state.withLock { s in
                    s.pids[child.name] = nil
                    return s.stopping
                }
                output.note("\(child.name) (pid \(pid)) \(status)")
                if stopping { break }
            }
            if state.withLock({ $0.stopping }) { break }
            if ContinuousClock.now - started >= backoff.stableAfter { delay = backoff.initial }
            output.note("restarting \(child.name) in \(delay)")
            wake.lock()
            let until = Date(timeIntervalSinceNow: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
            while !state.withLock({ $0.stopping }) && wake.wait(until: until) {}
            wake.unlock()
            delay = min(delay * 2, backoff.maximum)
        }
        state.withLock { $0.running -= 1 }
        finished.broadcast()
    }

    /// Blocks until `pid` exits and describes how.
    private static func waitForExit(_ pid: pid_t) -> String {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return "vanished (\(String(cString: strerror(errno))))" }
        }
        let signal = status & 0x7f
        if signal == 0 { return "exited with status \((status >> 8) & 0xff)" }
        return "was killed by signal \(signal)"
    }
}
