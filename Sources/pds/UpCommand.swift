import ArgumentParser
import Config
import Foundation

/// `pds up`: runs the whole PDS on this machine, one child process per PDS process.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run every PDS process under one supervisor (a dev server on http://localhost:2583 with no configuration).")

    @Option(name: .customLong("data"), help: "Data directory (sets PDS_DATA_DIRECTORY).") var data: String?
    @Option(name: .customLong("port"), help: "HTTP port of the gateway (sets PDS_PORT).") var port: Int?
    @Option(name: .customLong("restart-delay-ms"), help: "First restart back-off in milliseconds; doubles on each further exit (max 30 s).")
    var restartDelayMillis: Int = 200

    /// The processes `pds up` runs, by their subcommand.
    static let children: [Supervisor.Child] = [
        .init(name: "auth", arguments: ["auth"]),
        .init(name: "repo", arguments: ["repo"]),
        .init(name: "firehose", arguments: ["firehose"]),
        .init(name: "blob", arguments: ["blob"]),
        .init(name: "backup", arguments: ["backup"]),
        .init(name: "gateway", arguments: ["gateway"]),
    ]

    func run() async throws {
        let signals = TerminationSignals()
        var environment = ProcessInfo.processInfo.environment
        if let data { environment["PDS_DATA_DIRECTORY"] = PDSConfigPath.absolute(data) }
        if let port { environment["PDS_PORT"] = String(port) }
        // Validate, create the data directory and generate secrets once, here, so a bad value is
        // reported once instead of by six children restarting in a loop.
        let config: PDSConfig
        do {
            config = try PDSConfig.load(environment: environment)
            // Every process here shares this host: a missing or malformed key file is told now.
            _ = try BackupEncryptionKey.resolve(key: config.backupEncryptionKey, file: config.backupEncryptionKeyFile)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(78)
        }
        environment["PDS_DATA_DIRECTORY"] = config.dataDirectory
        environment["PDS_SUPERVISOR_PID"] = String(getpid())

        // No PLC directory configured: run our own, verifying one, and point every process at it.
        var children = Self.children
        if ProcessInfo.processInfo.environment["PDS_DID_PLC_URL"] == nil {
            let plcPort = config.devPLCPort
            environment["PDS_DEV_PLC_PORT"] = String(plcPort)
            environment["PDS_DID_PLC_URL"] = "http://127.0.0.1:\(plcPort)"
            children.insert(.init(name: "plc", arguments: ["plc"]), at: 0)
        }
        let executable = try Self.ownExecutable()
        var backoff = Supervisor.Backoff()
        backoff.initial = .milliseconds(max(1, restartDelayMillis))
        let logs = config.logDirectory.map { directory in
            (directory: URL(fileURLWithPath: directory),
             policy: RotatingLogFile.Policy(maxBytes: Int64(config.logRotateSizeMB) << 20,
                                            maxAge: TimeInterval(config.logRotateAgeHours) * 3600,
                                            retention: TimeInterval(config.logRetentionDays) * 86400))
        }
        let supervisor = Supervisor(executable: executable, children: children, environment: environment, backoff: backoff,
                                    logs: logs)
        FileHandle.standardOutput.write(Data("up       | PDSwift \(config.version): \(config.publicURL.absoluteString) (listening on \(config.bindAddress):\(config.port)), data in \(config.dataDirectory)\n".utf8))
        supervisor.start()
        let signal = await signals.next()
        await Task.detached { supervisor.stop(signal: signal) }.value
    }

    /// This binary, re-executed for every child.
    static func ownExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Turns a relative `--data` into an absolute path before children (and their cwd) see it.
enum PDSConfigPath {
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
    }
}
