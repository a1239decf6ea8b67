import Config
import Foundation
import Hummingbird
import IPC
import Logging
import NIOCore

/// `/xrpc/_health`: the software version and the state of every service, each pinged over IPC
/// in parallel within a short deadline. 200 when all answer, 503 when any does not. Anyone
/// gets only `{"version"}` (and on 503 a short reason), as from the reference PDS; the full
/// report needs admin Basic auth.
enum Health {
    struct ServiceState: Encodable {
        var status: String
        var pid: Int32?
        var uptimeSeconds: Double?
        var latencyMs: Double
        var error: String?
        /// The service's SQLite write-ahead logs.
        var wal: WALReport?
    }

    struct Report: Encodable {
        var status: String
        var version: String
        var services: [String: ServiceState]
        var firehose: FirehoseHealth?
        var backups: BackupHealth?
        /// Conditions an operator should act on that are not a service being down (a WAL past
        /// `PDS_SQLITE_WAL_WARNING_MB`).
        var warnings: [String]
    }

    static let deadline: Duration = .seconds(1)

    static func check(services: ServiceConnections, metrics: GatewayMetrics, version: String,
                      walWarningBytes: Int64) async -> Report {
        async let firehose = FirehoseHealth.read(services.firehose, timeout: deadline)
        async let backups = BackupHealth.read(services.backup)
        let states = await withTaskGroup(of: (ServiceName, ServiceState).self) { group in
            for (name, client) in services.byName {
                group.addTask {
                    let started = ContinuousClock.now
                    let result: Result<PingResponse, IPCError>
                    do throws(IPCError) { result = .success(try await client.ping(timeout: deadline, includeWAL: true)) } catch { result = .failure(error) }
                    let elapsed = ContinuousClock.now - started
                    let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                    switch result {
                    case .success(let pong):
                        metrics.setServiceUp(name.rawValue, true)
                        if let wal = pong.wal { metrics.setWALBytes(name.rawValue, wal.totalBytes) }
                        return (name, ServiceState(status: "ok", pid: pong.pid, uptimeSeconds: pong.uptimeSeconds, latencyMs: ms,
                                                   wal: pong.wal))
                    case .failure(let error):
                        metrics.setServiceUp(name.rawValue, false)
                        return (name, ServiceState(status: "down", latencyMs: ms, error: error.description))
                    }
                }
            }
            var states: [String: ServiceState] = [:]
            for await (name, state) in group { states[name.rawValue] = state }
            return states
        }
        let allUp = states.values.allSatisfy { $0.status == "ok" }
        return Report(status: allUp ? "ok" : "degraded", version: version, services: states, firehose: await firehose,
                      backups: await backups, warnings: walWarnings(states, threshold: walWarningBytes))
    }

    /// One warning per WAL file past `threshold`, naming the service, the file and its size.
    static func walWarnings(_ states: [String: ServiceState], threshold: Int64) -> [String] {
        states.keys.sorted().flatMap { name in
            (states[name]?.wal?.largest ?? []).filter { $0.bytes > threshold }.map { file in
                "\(name): write-ahead log \(file.path) is \(file.bytes / 1_048_576) MB (warning above "
                    + "\(threshold / 1_048_576) MB): is a checkpointer (Litestream) running while "
                    + "PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT=true?"
            }
        }
    }

    /// What the public sees: no process ids, uptimes, paths or error texts.
    struct PublicReport: Encodable {
        var version: String
        var error: String?
        var message: String?
    }

    static func respond(services: ServiceConnections, metrics: GatewayMetrics, version: String, walWarningBytes: Int64,
                        detailed: Bool, logger: Logger) async throws -> Response {
        let report = await check(services: services, metrics: metrics, version: version, walWarningBytes: walWarningBytes)
        for warning in report.warnings { logger.warning("\(warning)") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        let healthy = report.status == "ok"
        let body = detailed ? try encoder.encode(report) : try encoder.encode(publicReport(report))
        return Response(status: healthy ? .ok : .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func publicReport(_ report: Report) -> PublicReport {
        guard report.status != "ok" else { return PublicReport(version: report.version) }
        let down = report.services.filter { $0.value.status != "ok" }.keys.sorted()
        return PublicReport(version: report.version, error: "ServiceUnavailable",
                            message: "not answering: " + down.joined(separator: ", "))
    }
}
