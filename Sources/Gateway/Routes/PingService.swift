import IPC
import Syntax

/// `io.pdswift.server.pingService` (procedure, input `{"service": "repo"}`): pings one back-end
/// service through the gateway. An operator's check that a path works end to end, and the
/// simplest call that needs a service: it answers 503 while that service is down. Admin Basic
/// auth: its answer (process id, uptime) is the operator's, and pings are not for anyone to send.
enum PingService {
    struct Input: Decodable {
        var service: String
    }

    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, metrics: GatewayMetrics,
                         auth: Authenticator) throws {
        routes.add(.procedure(try NSID("io.pdswift.server.pingService")) { request throws(XRPCError) in
            try auth.admin(request.headers)
            let input = try request.decodeJSON(Input.self)
            guard let name = ServiceName(rawValue: input.service), let client = services.byName[name] else {
                throw .invalidRequest("unknown service \"\(input.service)\": expected one of "
                                      + ServiceName.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let pong: PingResponse
            do throws(IPCError) {
                pong = try await client.ping(PingRequest())
                metrics.setServiceUp(name.rawValue, true)
            } catch {
                metrics.setServiceUp(name.rawValue, false)
                throw XRPCError(error)
            }
            return try .json(pong)
        })
    }
}
