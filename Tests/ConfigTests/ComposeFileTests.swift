import Config
import Foundation
import Testing

/// What the compose file says about one service: enough to check it against `pds` and Config.
struct ComposeService {
    var name: String
    var image: String?
    var command: [String] = []
    var environment: [String: String] = [:]
}

/// Reads the subset of YAML docker-compose.yml is written in: two-space indentation, a
/// `services:` map, `command: ["..."]` in flow style and `environment:` as a `KEY: value` map.
/// Anything it does not understand under a service is ignored, never guessed at.
enum ComposeReader {
    static func services(in text: String) throws -> [String: ComposeService] {
        var services: [String: ComposeService] = [:]
        var inServices = false
        var current: String?
        var section: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.prefix { $0 == " " }.count
            if indent == 0 {
                inServices = trimmed == "services:"
                current = nil
                continue
            }
            guard inServices else { continue }
            if indent == 2, trimmed.hasSuffix(":") {
                let name = String(trimmed.dropLast())
                services[name] = ComposeService(name: name)
                current = name
                section = nil
            } else if indent == 4, let name = current {
                let (key, value) = split(trimmed)
                section = value.isEmpty ? key : nil
                switch key {
                case "image": services[name]?.image = value
                case "command": services[name]?.command = try flowList(value)
                default: break
                }
            } else if indent == 6, let name = current, section == "environment" {
                let (key, value) = split(trimmed)
                services[name]?.environment[key] = value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return services
    }

    static func split(_ line: String) -> (String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (line, "") }
        return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }

    /// `["a", "b"]` → [a, b].
    static func flowList(_ value: String) throws -> [String] {
        guard value.hasPrefix("["), value.hasSuffix("]") else { throw TestError("command must be a flow list: \(value)") }
        return value.dropFirst().dropLast().split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite struct ComposeFileTests {
    static let composeDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("compose")

    static func readServices() throws -> [String: ComposeService] {
        try ComposeReader.services(in: String(contentsOf: composeDirectory.appendingPathComponent("docker-compose.yml"), encoding: .utf8))
    }

    /// Every variable the configuration reads.
    static var configVariables: Set<String> { (try? PDSConfig(environment: [:]).consultedVariables) ?? [] }

    @Test func oneServicePerProcessPlusCaddy() throws {
        let services = try Self.readServices()
        #expect(Set(services.keys) == ["gateway", "repo", "firehose", "blob", "auth", "backup", "caddy"])
        for (name, service) in services where name != "caddy" {
            #expect(service.image == "pdswift:latest", "\(name)")
            #expect(service.environment["PDS_DATA_DIRECTORY"] == "/data", "\(name) must share the data volume's IPC sockets")
        }
        #expect(services["caddy"]?.image?.hasPrefix("caddy") == true)
    }

    @Test func everyCommandIsARealPDSSubcommand() throws {
        let binary = try pdsBinary()
        for (name, service) in try Self.readServices() where name != "caddy" {
            try #require(!service.command.isEmpty, "\(name) has no command")
            #expect(try isSubcommand(service.command, binary: binary), "`pds \(service.command.joined(separator: " "))` is not a pds subcommand")
        }
        // The check can fail: a made-up subcommand is refused.
        #expect(try !isSubcommand(["frobnicate"], binary: binary))
    }

    /// `pds CMD --help` prints the usage of CMD itself only when CMD exists; for anything else
    /// it prints the root command's usage.
    func isSubcommand(_ command: [String], binary: URL) throws -> Bool {
        let process = Process()
        process.executableURL = binary
        process.arguments = command + ["--help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 && output.contains("USAGE: pds \(command.joined(separator: " "))")
    }

    @Test func everyVariableSetIsOneTheConfigReads() throws {
        let known = Self.configVariables
        #expect(known.contains("PDS_HOSTNAME") && known.contains("PDS_JWT_SECRET"))
        for (name, service) in try Self.readServices() {
            for variable in service.environment.keys {
                #expect(known.contains(variable), "\(name) sets \(variable), which the configuration never reads")
            }
        }
    }

    @Test func envExampleDocumentsEveryVariable() throws {
        let text = try String(contentsOf: Self.composeDirectory.appendingPathComponent(".env.example"), encoding: .utf8)
        var documented: Set<String> = []
        for line in text.split(separator: "\n") {
            let setting = line.hasPrefix("#") ? line.dropFirst() : line[...]
            guard let eq = setting.firstIndex(of: "="), setting[..<eq].allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }),
                  !setting[..<eq].isEmpty else { continue }
            documented.insert(String(setting[..<eq]))
        }
        let known = Self.configVariables
        #expect(documented.subtracting(known).isEmpty, "documented but never read: \(documented.subtracting(known).sorted())")
        #expect(known.subtracting(documented).isEmpty, "read but not documented: \(known.subtracting(documented).sorted())")
    }

    @Test func readerUnderstandsTheSubset() throws {
        let services = try ComposeReader.services(in: """
        services:
          a:
            image: x
            command: ["repo", "serve"]
            environment:
              PDS_PORT: "1"
        volumes:
          v:
        """)
        #expect(services["a"]?.command == ["repo", "serve"])
        #expect(services["a"]?.environment == ["PDS_PORT": "1"])
        #expect(services["v"] == nil)
    }

    func pdsBinary() throws -> URL {
        let testBinary = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        var dir = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("pds")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw TestError("pds binary not found near \(testBinary.path)")
    }
}
