import Foundation
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `pds up` started from the build directory on a temporary data directory and a free
/// loopback port, for tests that need the real processes. `stop()` always leaves no child behind.
final class PDSUp {
    let dataDirectory: URL
    let port: Int
    let logFile: URL
    let process: Process
    /// `PDS_ADMIN_PASSWORD` when the test set one; else the generated one is in secrets.env.
    let adminPasswordOverride: String?
    private var stopped = false

    /// The `pds` binary next to this test bundle (both live in the same build directory).
    static func binary() throws -> URL {
        let testBinary = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        var dir = testBinary.deletingLastPathComponent()
        // macOS-style bundles nest the binary deeper; walk up until `pds` is beside us.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("pds")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw TestFailure("pds binary not found near \(testBinary.path); run `swift build` first")
    }

    /// Runs `executable` (default: the `pds` binary) with `arguments` to completion, with no
    /// `PDS_*` variables of the test's own environment but those in `environment`; answers its
    /// exit status and its joined stdout and stderr.
    static func runCommand(_ arguments: [String], executable: String? = nil,
                           environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try executable.map { URL(fileURLWithPath: $0) } ?? binary()
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PDS_") { env[key] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        // Commands that would prompt read end of input, never the test runner's terminal.
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }


    init(restartDelayMillis: Int = 1500, environment: [String: String] = [:], dataDirectory existing: URL? = nil) throws {
        adminPasswordOverride = environment["PDS_ADMIN_PASSWORD"]
        dataDirectory = existing ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pds-up-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        port = try LoopbackPort.free()
        logFile = dataDirectory.appendingPathComponent("up.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process = Process()
        process.executableURL = try Self.binary()
        process.arguments = ["up", "--data", dataDirectory.path, "--port", String(port), "--restart-delay-ms", String(restartDelayMillis)]
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PDS_") { env[key] = nil }
        env["PDS_HOSTNAME"] = "localhost"
        // The dev PLC directory would take port + 1, which another test's server (moto, an
        // SMTP sink) may hold: give it a free port of its own.
        env["PDS_DEV_PLC_PORT"] = String(try LoopbackPort.free())
        env.merge(environment) { $1 }
        process.environment = env
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    deinit { stop() }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The supervisor's children by subcommand name, read from /proc.
    func children() -> [String: pid_t] {
        var result: [String: pid_t] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 1, pid_t(fields[1]) == process.processIdentifier,
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if args.count > 1, fields[0] != "Z" { result[args[1]] = pid }
        }
        return result
    }

    /// Sends SIGTERM and waits for a clean stop; SIGKILLs anything left after 15 s. Idempotent.
    @discardableResult
    func stop() -> Int32? {
        guard !stopped else { return nil }
        stopped = true
        let kids = children()
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(15)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        for pid in kids.values { kill(pid, SIGKILL) }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// The supervisor's log so far, for failure messages.
    func log() -> String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    func removeData() { try? FileManager.default.removeItem(at: dataDirectory) }

    /// The admin password this PDS runs with.
    var adminPassword: String {
        if let adminPasswordOverride { return adminPasswordOverride }
        let text = (try? String(contentsOf: dataDirectory.appendingPathComponent("secrets.env"), encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("PDS_ADMIN_PASSWORD=") }
        return line.map { String($0.dropFirst("PDS_ADMIN_PASSWORD=".count)) } ?? ""
    }

    /// `/xrpc/_health` with admin Basic auth: the full report (services, firehose, backups).
    func health() async -> HTTPResult? {
        var request = URLRequest(url: URL(string: baseURL + "/xrpc/_health")!)
        request.setValue(adminAuthorization, forHTTPHeaderField: "Authorization")
        return await HTTP.send(request)
    }

    /// A JSON POST to `path` with admin Basic auth.
    func adminPost(_ path: String, contentType: String = "application/json", body: Data) async -> HTTPResult? {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = "POST"
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.setValue(adminAuthorization, forHTTPHeaderField: "Authorization")
        request.httpBody = body
        return await HTTP.send(request)
    }

    var adminAuthorization: String { "Basic " + Data("admin:\(adminPassword)".utf8).base64EncodedString() }

    /// Runs `pds admin …` against this PDS (its URL and data directory, where the admin
    /// password is kept) and answers its exit status and output.
    func admin(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try Self.runCommand(["admin"] + arguments + ["--url", baseURL, "--data", dataDirectory.path],
                            environment: ["PDS_HOSTNAME": "localhost"].merging(environment) { $1 })
    }
}

/// A failure found by test helpers.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
