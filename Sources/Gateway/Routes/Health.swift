import Config
import Foundation
import Hummingbird
import IPC
import NIOCore

/// `/xrpc/_health`: the software version and the state of every service, each pinged over IPC
/// in parallel within a short deadline. 200 when all answer, 503 when any does not.
enum Health {
    struct ServiceState: Encodable {
        var status: String
        var pid: Int32?
        var uptimeSeconds: Double?
        var latencyMs: Double
        var error: String?
    }

    struct Report: Encodable {
        var status: String
        var version: String
        var services: [String: ServiceState]
        var firehose: FirehoseHealth?
        var backups: BackupHealth?
    }

    static let deadline: Duration = .seconds(1)

    static func check(services: ServiceConnections, metrics: GatewayMetrics, version: String) async -> Report {
        async let firehose = FirehoseHealth.read(services.firehose, timeout: deadline)
        async let backups = BackupHealth.read(services.backup)
        let states = await withTaskGroup(of: (ServiceName, ServiceState).self) { group in
            for (name, client) in services.byName {
                group.addTask {
                    let started = ContinuousClock.now
                    let result: Result<PingResponse, IPCError>
                    do throws(IPCError) { result = .success(try await client.ping(timeout: deadline)) } catch { result = .failure(error) }
                    let elapsed = ContinuousClock.now - started
                    let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                    switch result {
                    case .success(let pong):
                        metrics.setServiceUp(name.rawValue, true)
                        return (name, ServiceState(status: "ok", pid: pong.pid, uptimeSeconds: pong.uptimeSeconds, latencyMs: ms))
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
                      backups: await backups)
    }

    static func respond(services: ServiceConnections, metrics: GatewayMetrics, version: String) async throws -> Response {
        let report = await check(services: services, metrics: metrics, version: version)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: report.status == "ok" ? .ok : .serviceUnavailable, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(report))))
    }
}
