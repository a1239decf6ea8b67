import ArgumentParser
import Gateway
import Logging

/// `pds gateway`: the HTTP/XRPC front process.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gateway", abstract: "Run the gateway (HTTP and XRPC) process.")

    func run() async throws {
        ProcessEntry.followSupervisor()
        let config = ProcessEntry.loadConfig()
        ProcessEntry.bootstrapLogging(config)
        let logger = Logger(label: "pds.gateway")
        logger.info("gateway listening on \(config.bindAddress):\(config.port) for \(config.publicURL.absoluteString)")
        do {
            try await GatewayServer.run(config: config, logger: logger)
        } catch {
            logger.critical("gateway failed: \(error)")
            throw ExitCode(1)
        }
    }
}
