import ArgumentParser
import Config
import Foundation
import IPC
import Logging

/// What every `pds <process>` subcommand does around its service: load and validate the
/// configuration, set up logging, tie its life to the supervisor's, start, wait for
/// SIGTERM/SIGINT, stop cleanly.
enum ProcessEntry {
    /// Loads the configuration, or prints why it is bad and exits with EX_CONFIG (78).
    static func loadConfig() -> PDSConfig {
        do {
            return try PDSConfig.load()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(78)
        }
    }

    /// Sends log lines to stderr at the configured level (`LOG_LEVEL`, `LOG_ENABLED`).
    static func bootstrapLogging(_ config: PDSConfig) {
        let level: Logger.Level = switch config.logLevel {
        case "trace": .trace
        case "debug": .debug
        case "notice": .notice
        case "warn", "warning": .warning
        case "error": .error
        case "critical", "fatal": .critical
        default: .info
        }
        let enabled = config.logEnabled
        LoggingSystem.bootstrap { label in
            guard enabled else { return SwiftLogNoOpLogHandler() }
            return LineLogHandler(label: label, level: level)
        }
    }

    /// Under `pds up`, stops with the supervisor: a `kill -9` of the supervisor must not leave
    /// orphans holding the port and the socket files. When the process is re-parented, it sends
    /// itself SIGTERM and so stops the same clean way as on any other stop request.
    static func followSupervisor() {
        guard let text = ProcessInfo.processInfo.environment["PDS_SUPERVISOR_PID"], let supervisor = Int32(text) else { return }
        if getppid() != supervisor { exit(0) }
        Task.detached(priority: .background) {
            while getppid() == supervisor { try? await Task.sleep(for: .milliseconds(250)) }
            kill(getpid(), SIGTERM)
        }
    }

    /// Runs one back-end service process until SIGTERM or SIGINT.
    static func runService(_ name: ServiceName, start: (PDSConfig) async throws(IPCError) -> ServiceHost) async throws {
        let signals = TerminationSignals()
        followSupervisor()
        let config = loadConfig()
        bootstrapLogging(config)
        let logger = Logger(label: "pds.\(name.rawValue)")
        let host: ServiceHost
        do {
            host = try await start(config)
        } catch {
            logger.critical("\(name.processName) cannot start: \(error)")
            throw ExitCode(1)
        }
        logger.info("\(name.processName) serving at \(host.server.endpoint) (pid \(getpid()))")
        let signal = await signals.next()
        logger.info("\(name.processName) stopping on signal \(signal)")
        await host.stop()
        logger.info("\(name.processName) stopped")
    }
}
