import Config
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import IPC
import NIOCore
import Testing

/// A service implementation answering ping in-process.
private struct LiveService: ServiceAPI {
    let identity = ProcessIdentity(service: .repo, version: "test")
    func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping() }
}

/// Builds a gateway router whose services are served in-process; `down` ones are unreachable.
private func makeApp(down: Set<ServiceName> = [], environment: [String: String] = [:]) throws -> (some ApplicationProtocol, GatewayMetrics) {
    var env = ["PDS_DATA_DIRECTORY": NSTemporaryDirectory() + "gw-\(UUID().uuidString.prefix(8))",
               "PDS_JWT_SECRET": "0123456789abcdef0123", "PDS_ADMIN_PASSWORD": "admin"]
    env.merge(environment) { $1 }
    let config = try PDSConfig(environment: env)
    let metrics = GatewayMetrics()
    var callers: [ServiceName: any RPCCaller] = [:]
    for name in ServiceName.allCases where !down.contains(name) {
        callers[name] = InProcessCaller(LiveService().commonHandlers(), name: name.rawValue)
    }
    let services = ServiceConnections(callers: callers, metrics: metrics)
    let router = try GatewayServer.router(config: config, services: services, metrics: metrics)
    return (Application(router: router), metrics)
}

private struct ErrorBody: Decodable, Equatable {
    var error: String
    var message: String
}

private func errorBody(_ response: TestResponse) throws -> ErrorBody {
    try JSONDecoder().decode(ErrorBody.self, from: Data(response.body.readableBytesView))
}

/// Admin Basic auth for the test's `PDS_ADMIN_PASSWORD` ("admin").
private let admin: HTTPFields = [.authorization: "Basic " + Data("admin:admin".utf8).base64EncodedString()]
private let json: HTTPFields = [.contentType: "application/json", .authorization: admin[.authorization]!]

@Suite struct GatewayTests {
    @Test func describeServerAnswersFromConfig() async throws {
        let (app, _) = try makeApp(environment: ["PDS_HOSTNAME": "pds.example.com", "PDS_INVITE_REQUIRED": "true",
                                                 "PDS_CONTACT_EMAIL_ADDRESS": "admin@example.com"])
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/xrpc/com.atproto.server.describeServer", method: .get)
            #expect(response.status == .ok)
            let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            #expect(body?["did"] as? String == "did:web:pds.example.com")
            #expect(body?["availableUserDomains"] as? [String] == [".pds.example.com"])
            #expect(body?["inviteCodeRequired"] as? Bool == true)
            #expect(body?["phoneVerificationRequired"] as? Bool == false)
            #expect((body?["contact"] as? [String: Any])?["email"] as? String == "admin@example.com")
            #expect(body?["links"] is [String: Any])
        }
    }

    @Test func routingErrorsHaveXRPCShape() async throws {
        let (app, _) = try makeApp()
        try await app.test(.router) { client in
            let unknown = try await client.execute(uri: "/xrpc/com.example.nothing.here", method: .get)
            #expect(unknown.status == .notImplemented)
            #expect(try errorBody(unknown).error == "MethodNotImplemented")

            let invalid = try await client.execute(uri: "/xrpc/not-an-nsid", method: .get)
            #expect(invalid.status == .badRequest)
            #expect(try errorBody(invalid).error == "InvalidRequest")

            let wrongVerb = try await client.execute(uri: "/xrpc/com.atproto.server.describeServer", method: .post)
            #expect(wrongVerb.status == .methodNotAllowed)
            #expect(try errorBody(wrongVerb).error == "MethodNotAllowed")

            let queryAsGet = try await client.execute(uri: "/xrpc/io.pdswift.server.pingService", method: .get)
            #expect(queryAsGet.status == .methodNotAllowed)

            let notFound = try await client.execute(uri: "/no/such/page", method: .get)
            #expect(notFound.status == .notFound)
            #expect(try errorBody(notFound).error == "NotFound")
        }
    }

    @Test func procedureBodiesAreChecked() async throws {
        let (app, _) = try makeApp()
        let uri = "/xrpc/io.pdswift.server.pingService"
        try await app.test(.router) { client in
            let malformed = try await client.execute(uri: uri, method: .post, headers: json, body: ByteBuffer(string: "{\"service\":"))
            #expect(malformed.status == .badRequest)
            #expect(try errorBody(malformed) == ErrorBody(error: "InvalidRequest", message: "Invalid JSON body"))

            let wrongShape = try await client.execute(uri: uri, method: .post, headers: json, body: ByteBuffer(string: "{\"svc\":1}"))
            #expect(wrongShape.status == .badRequest)
            #expect(try errorBody(wrongShape).message.contains("service"))

            let wrongType = try await client.execute(uri: uri, method: .post, headers: [.contentType: "text/plain"],
                                                     body: ByteBuffer(string: "{\"service\":\"repo\"}"))
            #expect(wrongType.status == .badRequest)
            #expect(try errorBody(wrongType).message.contains("Content-Type"))

            let noType = try await client.execute(uri: uri, method: .post, headers: admin, body: ByteBuffer(string: "{\"service\":\"repo\"}"))
            #expect(noType.status == .badRequest)

            let anonymous = try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"],
                                                     body: ByteBuffer(string: "{\"service\":\"repo\"}"))
            #expect(anonymous.status == .unauthorized)
            #expect(try errorBody(anonymous).error == "AuthenticationRequired")

            let huge = ByteBuffer(string: "{\"service\":\"" + String(repeating: "x", count: 200 * 1024) + "\"}")
            let oversized = try await client.execute(uri: uri, method: .post, headers: json, body: huge)
            #expect(oversized.status == .contentTooLarge)
            #expect(try errorBody(oversized).error == "PayloadTooLarge")

            let ok = try await client.execute(uri: uri, method: .post, headers: json, body: ByteBuffer(string: "{\"service\":\"repo\"}"))
            #expect(ok.status == .ok)
        }
    }

    @Test func healthReportsEveryServiceAnd503WhenOneIsDown() async throws {
        let (up, _) = try makeApp()
        try await up.test(.router) { client in
            let open = try await client.execute(uri: "/xrpc/_health", method: .get)
            #expect(open.status == .ok)
            let openBody = try JSONSerialization.jsonObject(with: Data(open.body.readableBytesView)) as? [String: Any]
            #expect(openBody?.count == 1 && openBody?["version"] as? String == PDSConfig.softwareVersion)
            let response = try await client.execute(uri: "/xrpc/_health", method: .get, headers: admin)
            #expect(response.status == .ok)
            let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            #expect(body?["version"] as? String == PDSConfig.softwareVersion)
            #expect((body?["services"] as? [String: Any])?.count == 5)
        }
        let (degraded, _) = try makeApp(down: [.blob])
        try await degraded.test(.router) { client in
            let open = try await client.execute(uri: "/xrpc/_health", method: .get)
            #expect(open.status == .serviceUnavailable)
            let openBody = try JSONSerialization.jsonObject(with: Data(open.body.readableBytesView)) as? [String: Any]
            #expect(openBody?["services"] == nil && openBody?["error"] as? String == "ServiceUnavailable")
            #expect(openBody?["message"] as? String == "not answering: blob")
            let response = try await client.execute(uri: "/xrpc/_health", method: .get, headers: admin)
            #expect(response.status == .serviceUnavailable)
            let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            let blob = (body?["services"] as? [String: Any])?["blob"] as? [String: Any]
            #expect(blob?["status"] as? String == "down")

            let call = try await client.execute(uri: "/xrpc/io.pdswift.server.pingService", method: .post, headers: json,
                                                body: ByteBuffer(string: "{\"service\":\"blob\"}"))
            #expect(call.status == .serviceUnavailable)
            #expect(try errorBody(call).error == "ServiceUnavailable")
        }
    }

    @Test func metricsCountRequestsAndServiceState() async throws {
        let (app, _) = try makeApp(down: [.backup])
        try await app.test(.router) { client in
            _ = try await client.execute(uri: "/xrpc/com.atproto.server.describeServer", method: .get)
            _ = try await client.execute(uri: "/xrpc/_health", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            #expect(text.contains(#"xrpc_requests_total{method="com.atproto.server.describeServer",status="200"} 1"#))
            #expect(text.contains(#"pds_service_up{service="backup"} 0"#))
            #expect(text.contains(#"pds_service_up{service="repo"} 1"#))
            #expect(text.contains("ipc_call_duration_seconds_bucket"))
            #expect(text.contains("http_request_duration_seconds_bucket"))
        }
    }

    @Test func plainRoutesAndCORS() async throws {
        let (app, _) = try makeApp()
        try await app.test(.router) { client in
            let root = try await client.execute(uri: "/", method: .get)
            #expect(String(buffer: root.body).contains("PDSwift"))
            let robots = try await client.execute(uri: "/robots.txt", method: .get)
            #expect(String(buffer: robots.body).contains("User-agent: *"))

            let preflight = try await client.execute(
                uri: "/xrpc/io.pdswift.server.pingService", method: .options,
                headers: [.origin: "https://bsky.app", .accessControlRequestMethod: "POST"])
            #expect(preflight.status == .noContent || preflight.status == .ok)
            #expect(preflight.headers[.accessControlAllowOrigin] == "*")
            #expect(preflight.headers[.accessControlAllowHeaders]?.lowercased().contains("atproto-proxy") == true)

            let simple = try await client.execute(uri: "/xrpc/com.atproto.server.describeServer", method: .get,
                                                  headers: [.origin: "https://bsky.app"])
            #expect(simple.headers[.accessControlAllowOrigin] == "*")
        }
    }
}
