import Config
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Gateway
import IPC
import Testing

/// Every XRPC method the gateway serves, sent hostile input over HTTP against a real `pds up`:
/// malformed and mistyped JSON, missing and invalid parameters, oversized bodies, random
/// bytes, the wrong HTTP method, no or bad auth. Each answer must be a 4xx with an XRPC error
/// body (`error` and `message`), never a 5xx or a hang, and afterwards the PDS is healthy and
/// the account's data intact.
@Suite(.serialized) struct BadInputSweepTests {
    /// The methods and their kinds, from the gateway's own route table.
    static func methods() throws -> [(nsid: String, kind: XRPCMethod.Kind)] {
        let config = try PDSConfig(environment: ["PDS_DATA_DIRECTORY": NSTemporaryDirectory() + "sweep-\(UUID().uuidString.prefix(6))",
                                                 "PDS_JWT_SECRET": "0123456789abcdef0123", "PDS_ADMIN_PASSWORD": "sweep",
                                                 "PDS_HOSTNAME": "localhost"])
        let routes = try GatewayServer.routes(config: config, services: ServiceConnections(callers: [:], metrics: GatewayMetrics()),
                                              metrics: GatewayMetrics())
        return routes.nsids.compactMap { nsid in
            guard let kind = routes.method(nsid)?.kind ?? routes.streamingMethod(nsid)?.kind else { return nil }
            return (nsid, kind)
        }
    }

    static let badParameters: [(String, String)] = [
        ("did", "not-a-did"), ("repo", "did:plc:"), ("collection", "no dots"), ("rkey", "../.."), ("cid", "bafyNOTACID"),
        ("uri", "at://"), ("handle", "-bad-.test"), ("limit", "abc"), ("limit", "-5"), ("limit", "99999999999999999999"),
        ("cursor", "\u{0}"), ("since", "not-a-tid"), ("actor", String(repeating: "x", count: 5000)),
    ]

    static let badBodies: [(contentType: String, body: Data)] = [
        ("application/json", Data("{\"repo\":".utf8)),
        ("application/json", Data("[1,2,3]".utf8)),
        ("application/json", Data("{\"repo\":1,\"collection\":[],\"record\":\"x\",\"did\":{},\"handle\":true,\"rkey\":null,\"writes\":5}".utf8)),
        ("application/json", Data("{\"repo\":\"did:plc:nobody\",\"collection\":\"app.bsky.feed.post\",\"record\":{}}".utf8)),
        ("application/json", Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })),
        ("text/plain", Data("hello".utf8)),
        ("application/json", Data("\"\(String(repeating: "a", count: 64 * 1024))\"".utf8)),
    ]

    struct Finding: CustomStringConvertible {
        var request: String
        var status: Int
        var body: String
        var description: String { "\(request) → \(status) \(body.prefix(200))" }
    }

    @Test func everyMethodAnswersBadInputWithAnXRPCError() async throws {
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let account = try #require(await HTTP.post(pds.baseURL + "/xrpc/com.atproto.server.createAccount",
                                                   body: Data(#"{"handle":"sweep.test","password":"sweep-password","email":"sweep@example.com"}"#.utf8)))
        try #require(account.status == 200, "\(String(decoding: account.body, as: UTF8.self))")
        let token = try #require(account.json?["accessJwt"] as? String)
        let did = try #require(account.json?["did"] as? String)
        let created = try #require(await send(pds, "POST", "com.atproto.repo.createRecord", token: token, contentType: "application/json",
                                              body: Data(#"{"repo":"\#(did)","collection":"app.bsky.feed.post","record":{"$type":"app.bsky.feed.post","text":"kept","createdAt":"2026-12-07T00:00:00.000Z"}}"#.utf8)))
        try #require(created.status == 200)
        let uri = try #require(created.json?["uri"] as? String)

        let methods = try Self.methods()
        #expect(methods.count > 60, "the route table lists \(methods.count) methods")
        var findings: [Finding] = []
        var sent = 0
        for (nsid, kind) in methods where !Self.skipped.contains(nsid) {
            var requests: [(method: String, query: String, token: String?, contentType: String?, body: Data?)] = []
            let verb = kind == .query ? "GET" : "POST"
            requests.append((kind == .query ? "POST" : "GET", "", token, nil, nil))  // wrong HTTP method
            for auth in [nil, token, "not.a.jwt"] as [String?] {
                if kind == .query {
                    requests.append((verb, "", auth, nil, nil))
                    for (name, value) in Self.badParameters { requests.append((verb, "\(name)=\(Self.escape(value))", auth, nil, nil)) }
                } else {
                    for bad in Self.badBodies { requests.append((verb, "", auth, bad.contentType, bad.body)) }
                    requests.append((verb, "", auth, nil, nil))
                }
            }
            for r in requests {
                sent += 1
                let label = "\(r.method) \(nsid)?\(r.query.prefix(60)) auth=\(r.token == nil ? "none" : r.token == token ? "user" : "bad") body=\(r.body?.count ?? 0)B"
                guard let answer = await send(pds, r.method, nsid, query: r.query, token: r.token, contentType: r.contentType, body: r.body) else {
                    findings.append(Finding(request: label, status: 0, body: "no answer within the timeout"))
                    continue
                }
                let text = String(decoding: answer.body.prefix(300), as: UTF8.self)
                if answer.status >= 500 {
                    findings.append(Finding(request: label, status: answer.status, body: text))
                } else if answer.status >= 400, answer.json?["error"] as? String == nil || answer.json?["message"] as? String == nil {
                    findings.append(Finding(request: label, status: answer.status, body: "not an XRPC error body: " + text))
                }
            }
        }
        print("bad-input sweep: \(sent) requests over \(methods.count - Self.skipped.count) methods, \(findings.count) bad answers")
        let report = findings.prefix(40).map(\.description).joined(separator: "\n")
        #expect(findings.isEmpty, "\(findings.count) of \(sent) answers:\n\(report)")
        #expect(sent > 1000)

        // Still healthy, the account and its record still there.
        #expect(await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200)
        let rkey = uri.split(separator: "/").last.map(String.init) ?? ""
        let record = try #require(await HTTP.get(pds.baseURL + "/xrpc/com.atproto.repo.getRecord?repo=\(did)&collection=app.bsky.feed.post&rkey=\(rkey)"))
        #expect(record.status == 200 && (record.json?["value"] as? [String: Any])?["text"] as? String == "kept")
        let session = try #require(await send(pds, "GET", "com.atproto.server.getSession", token: token))
        #expect(session.status == 200 && session.json?["did"] as? String == did)
    }

    /// Methods whose success with the user's token would end the session or the account the
    /// sweep goes on with (their bad-input paths are covered by their own tests).
    static let skipped: Set<String> = [
        "com.atproto.server.deleteSession", "com.atproto.server.deactivateAccount", "com.atproto.server.deleteAccount",
        "com.atproto.server.revokeAppPassword",
    ]

    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }

    func send(_ pds: PDSUp, _ method: String, _ nsid: String, query: String = "", token: String? = nil,
              contentType: String? = nil, body: Data? = nil) async -> HTTPResult? {
        var request = URLRequest(url: URL(string: pds.baseURL + "/xrpc/\(nsid)" + (query.isEmpty ? "" : "?" + query))!, timeoutInterval: 10)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.httpBody = body
        return await HTTP.send(request)
    }
}
