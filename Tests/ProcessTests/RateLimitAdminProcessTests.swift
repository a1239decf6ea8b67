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

        let created = try pds.admin(["account", "create", "carol@example.com", "carol.test", "--password", "carol-password"])
        try #require(created.status == 0, "\(created.output)")
        let did = try #require(created.output.split(separator: "\n").first { $0.contains("did:") }?.split(separator: " ").last.map(String.init))
        #expect(did.hasPrefix("did:plc:"))

        let listed = try pds.admin(["account", "list"])
        #expect(listed.status == 0 && listed.output.contains("carol.test") && listed.output.contains(did), "\(listed.output)")

        let login = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "carol.test", "password": "carol-password"])
        #expect(login.status == 200)
        #expect(try pds.admin(["account", "takedown", did]).status == 0)
        let takenDown = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "carol.test", "password": "carol-password"])
        #expect(takenDown.json["error"] as? String == "AccountTakedown")
        #expect(try pds.admin(["account", "list"]).output.contains("takendown"))
        #expect(try pds.admin(["account", "takedown", did, "--reverse"]).status == 0)

        let reset = try pds.admin(["account", "reset-password", did])
        let newPassword = try #require(reset.output.split(whereSeparator: \.isWhitespace).last.map(String.init), "\(reset.output)")
        let withNew = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "carol.test", "password": newPassword])
        #expect(withNew.status == 200, "\(withNew.json)")

        let invites = try pds.admin(["invite", "create", "--count", "2"])
        #expect(invites.status == 0)
        #expect(invites.output.split(separator: "\n").filter { $0.hasPrefix("pdswift-") }.count == 2, "\(invites.output)")

        #expect(try pds.admin(["account", "delete", did]).status == 0)
        #expect(!(try pds.admin(["account", "list"]).output.contains(did)))
        let gone = try await Self.post(pds.baseURL + "/xrpc/com.atproto.server.createSession", ["identifier": "carol.test", "password": newPassword])
        #expect(gone.status == 401)

        // PDS_ADMIN_PASSWORD wins over secrets.env; a wrong one is refused.
        let wrong = try pds.admin(["account", "list"], environment: ["PDS_ADMIN_PASSWORD": "not-the-password"])
        #expect(wrong.status != 0 && wrong.output.contains("AuthenticationRequired"), "\(wrong.output)")
    }
}
