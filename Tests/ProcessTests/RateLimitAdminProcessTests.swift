import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Rate limits and `pds admin` against a running `pds up`.
@Suite struct RateLimitAdminProcessTests {
    static func post(_ url: String, _ body: [String: Any], forwardedFor: String? = nil) async throws -> (status: Int, headers: [String: String], json: [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        // The test client is on loopback, which the gateway trusts as a proxy naming the client.
        if let forwardedFor { request.setValue(forwardedFor, forHTTPHeaderField: "X-Forwarded-For") }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await HTTP.session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
        return (http.statusCode, headers, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    /// Runs `pds admin …` and answers its exit status and output.
    static func admin(_ pds: PDSUp, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try PDSUp.binary()
        process.arguments = ["admin"] + arguments + ["--url", pds.baseURL, "--data", pds.dataDirectory.path]
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PDS_") { env[key] = nil }
        env["PDS_HOSTNAME"] = "localhost"
        env.merge(environment) { $1 }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func aBurstOfLoginsGets429WithTheHeaders() async throws {
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let created = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createAccount",
                                          ["handle": "burst.test", "password": "burst-password", "email": "burst@example.com"])
        try #require(created.status == 200, "\(created.json)")
        for attempt in 1...30 {
            let r = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "burst.test", "password": "wrong"])
            #expect(r.status == 401, "attempt \(attempt)")
            #expect(r.headers["ratelimit-limit"] == "30")
            #expect(r.headers["ratelimit-remaining"] == String(30 - attempt))
            #expect(r.headers["ratelimit-policy"] == "30;w=300")
        }
        let refused = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession",
                                          ["identifier": "burst.test", "password": "burst-password"])
        #expect(refused.status == 429)
        #expect(refused.json["error"] as? String == "RateLimitExceeded")
        #expect(refused.headers["ratelimit-remaining"] == "0")
        let reset = Int(refused.headers["ratelimit-reset"] ?? "") ?? 0
        let now = Int(Date().timeIntervalSince1970)
        #expect(reset > now && reset <= now + 301)
        // Another identifier from the same address is refused too (30 / 5 min per IP as well)...
        let sameIP = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "nobody.test", "password": "x"])
        #expect(sameIP.status == 429)
        // ...but not from another address, and that address's first login is its first.
        let other = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "nobody.test", "password": "x"],
                                        forwardedFor: "203.0.113.9")
        #expect(other.status == 401)
        #expect(other.headers["ratelimit-remaining"] == "29")
    }

    @Test func adminCLICreatesListsTakesDownResetsAndDeletes() async throws {
        let pds = try PDSUp(environment: ["PDS_INVITE_REQUIRED": "true"])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")

        let created = try Self.admin(pds, ["account", "create", "carol@example.com", "carol.test", "--password", "carol-password"])
        try #require(created.status == 0, "\(created.output)")
        let did = try #require(created.output.split(separator: "\n").first { $0.contains("did:") }?.split(separator: " ").last.map(String.init))
        #expect(did.hasPrefix("did:plc:"))

        let listed = try Self.admin(pds, ["account", "list"])
        #expect(listed.status == 0 && listed.output.contains("carol.test") && listed.output.contains(did), "\(listed.output)")

        let login = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "carol.test", "password": "carol-password"])
        #expect(login.status == 200)
        #expect(try Self.admin(pds, ["account", "takedown", did]).status == 0)
        let takenDown = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "carol.test", "password": "carol-password"])
        #expect(takenDown.json["error"] as? String == "AccountTakedown")
        #expect(try Self.admin(pds, ["account", "list"]).output.contains("takendown"))
        #expect(try Self.admin(pds, ["account", "takedown", did, "--reverse"]).status == 0)

        let reset = try Self.admin(pds, ["account", "reset-password", did])
        let newPassword = try #require(reset.output.split(whereSeparator: \.isWhitespace).last.map(String.init), "\(reset.output)")
        let withNew = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "carol.test", "password": newPassword])
        #expect(withNew.status == 200, "\(withNew.json)")

        let invites = try Self.admin(pds, ["invite", "create", "--count", "2"])
        #expect(invites.status == 0)
        #expect(invites.output.split(separator: "\n").filter { $0.hasPrefix("pdswift-") }.count == 2, "\(invites.output)")

        #expect(try Self.admin(pds, ["account", "delete", did]).status == 0)
        #expect(!(try Self.admin(pds, ["account", "list"]).output.contains(did)))
        let gone = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "carol.test", "password": newPassword])
        #expect(gone.status == 401)

        // PDS_ADMIN_PASSWORD wins over secrets.env; a wrong one is refused.
        let wrong = try Self.admin(pds, ["account", "list"], environment: ["PDS_ADMIN_PASSWORD": "not-the-password"])
        #expect(wrong.status != 0 && wrong.output.contains("AuthenticationRequired"), "\(wrong.output)")
    }
}
