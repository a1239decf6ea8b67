import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `pds up` a crash drill runs against: started from this very binary on a scratch data
/// directory, its children found in /proc, any of them (or the supervisor itself) killed with
/// SIGKILL, and started again on the same directory and ports.
final class DrillCluster {
    let data: String
    let port: Int
    let plcPort: Int
    let adminPassword: String
    private(set) var supervisor: Process?
    private var log: FileHandle?

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var plcURL: String { "http://127.0.0.1:\(plcPort)" }

    init(data: String, port: Int, plcPort: Int) {
        self.data = data; self.port = port; self.plcPort = plcPort
        adminPassword = "drill-" + UUID().uuidString.prefix(12)
    }

    /// Starts `pds up` (again) on the same directory and ports; its output goes to `up.log`.
    func start() throws {
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let logPath = data + "/up.log"
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = ["up", "--data", data, "--port", String(port)]
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PDS_") { env[key] = nil }
        env["PDS_HOSTNAME"] = "localhost"
        env["PDS_DEV_PLC_PORT"] = String(plcPort)
        env["PDS_ADMIN_PASSWORD"] = adminPassword
        env["PDS_RATE_LIMITS_ENABLED"] = "false"
        env["LOG_LEVEL"] = env["LOG_LEVEL"] ?? "warn"
        process.environment = env
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        supervisor = process
        log = handle
    }

    /// The supervisor's children by subcommand (`gateway`, `repo`, `auth`, `plc`, …).
    func children() -> [String: pid_t] {
        guard let parent = supervisor?.processIdentifier else { return [:] }
        var result: [String: pid_t] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", pid_t(fields[1]) == parent,
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if args.count > 1 { result[args[1]] = pid }
        }
        return result
    }

    /// Whether `_health` answers 200 now.
    func healthy() async -> Bool {
        var request = URLRequest(url: URL(string: baseURL + "/xrpc/_health")!, timeoutInterval: 2)
        request.httpMethod = "GET"
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return false }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }

    /// Polls until `condition` holds, every 20 ms, for at most `timeout`; answers whether it held.
    static func poll(_ timeout: Duration, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    /// SIGKILLs the child `name`; answers how long until it was replaced and `_health` was 200
    /// again (nil: not within `timeout`).
    func kill(child name: String, timeout: Duration = .seconds(30)) async -> Duration? {
        guard let victim = children()[name] else { return nil }
        let killed = ContinuousClock.now
        Foundation.kill(victim, SIGKILL)
        let back = await Self.poll(timeout) {
            guard let now = children()[name], now != victim else { return false }
            return await healthy()
        }
        return back ? ContinuousClock.now - killed : nil
    }

    /// SIGKILLs the supervisor, waits until every child followed it, and starts `pds up` again
    /// on the same directory; answers how long until `_health` was 200 again.
    func killSupervisor(timeout: Duration = .seconds(30)) async throws -> Duration? {
        guard let process = supervisor else { return nil }
        let orphans = children()
        let killed = ContinuousClock.now
        Foundation.kill(process.processIdentifier, SIGKILL)
        let followed = await Self.poll(.seconds(10)) { orphans.values.allSatisfy { !Self.isAlive($0) } }
        // Left behind anyway: end them, or they hold the ports and the restart cannot work.
        if !followed { for pid in orphans.values where Self.isAlive(pid) { Foundation.kill(pid, SIGKILL) } }
        process.waitUntilExit()
        try start()
        let back = await Self.poll(timeout) { await healthy() }
        return back && followed ? ContinuousClock.now - killed : nil
    }

    /// Alive and not a zombie.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    /// SIGTERM, then SIGKILL after 15 s; every child too.
    func stop() {
        guard let process = supervisor else { return }
        let kids = children()
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(15)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        }
        for pid in kids.values where Self.isAlive(pid) { Foundation.kill(pid, SIGKILL) }
        process.waitUntilExit()
        supervisor = nil
        try? log?.close()
    }

    /// A free loopback TCP port (bound and released at once).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DrillFailure("cannot open a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw DrillFailure("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why the drill could not run (not a finding about the PDS: those are in the report).
struct DrillFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
