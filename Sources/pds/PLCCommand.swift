import ArgumentParser
import Config
import Foundation
import Hummingbird
import PLCDirectory

/// `pds plc`: a PLC directory (the plc.directory HTTP API, verifying every operation) with
/// its own SQLite file, for offline development and tests.
struct PLCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plc", abstract: "Run a verifying PLC directory for development (plc.directory's HTTP API).")

    @Option(name: .customLong("port"), help: "Port to listen on (default PDS_DEV_PLC_PORT, else the PDS port + 1).") var port: Int?
    @Option(name: .customLong("data"), help: "Where plc.sqlite lives (default: the PDS data directory).") var data: String?

    func run() async throws {
        // Under `pds up` it is a child like the six services: it must not outlive a killed
        // supervisor and keep its port (a new `pds up` on the same directory needs it).
        ProcessEntry.followSupervisor()
        let config = try PDSConfig(environment: ProcessInfo.processInfo.environment)
        let listen = port ?? config.devPLCPort
        let directory = data.map(PDSConfigPath.absolute) ?? config.dataDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try PLCStore(path: directory + "/plc.sqlite")
        let router = Router()
        PLCDirectoryRoutes.register(on: router, store: store)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: listen), serverName: "PDSwift-PLC"))
        try await app.runService()
    }
}
