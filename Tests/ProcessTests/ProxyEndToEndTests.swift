import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// The service proxy from outside: `pds up` with a verifying test AppView as its AppView and
/// report service, driven by the Python atproto SDK and raw HTTP (`proxy_end_to_end.py`).
@Suite(.enabled(if: PythonTools.python != nil || PythonTools.inCI, Comment(rawValue: PythonTools.skipReason)), .serialized)
struct ProxyEndToEndTests {
    @Test func theSDKThroughTheProxyToAVerifyingAppView() async throws {
        let plcPort = try LoopbackPort.free()
        let appView = try TestAppView(plcURL: "http://127.0.0.1:\(plcPort)")
        defer { appView.stop() }
        let pds = try PDSUp(environment: appView.pdsEnvironment.merging([
            "PDS_DEV_PLC_PORT": String(plcPort),
            "PDS_PROXY_HEADERS_TIMEOUT": "2000",
            "PDS_PROXY_MAX_RESPONSE_SIZE": "1048576",
        ]) { $1 })
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        try #require(await appView.ready(), "test AppView never answered:\n\(appView.log())")
        let script = try String(contentsOf: PythonTools.packageRoot.appendingPathComponent("Tests/Interop/proxy_end_to_end.py"), encoding: .utf8)
        let result = try PythonTools.run(script: script, arguments: [pds.baseURL, String(appView.port)], timeout: 180)
        #expect(result.status == 0 && result.output.contains("ALL OK"),
                "proxy run failed:\n\(result.output)\n--- appview ---\n\(appView.log().suffix(3000))\n--- pds log ---\n\(pds.log().suffix(4000))")
    }

    /// Outside development mode a DID document may not send the proxy to this host, and with
    /// no AppView configured `app.bsky.*` answers 501 instead of failing.
    @Test func outsideDevModeLoopbackTargetsAreRefused() async throws {
        let plcPort = try LoopbackPort.free()
        let appView = try TestAppView(plcURL: "http://127.0.0.1:\(plcPort)")
        defer { appView.stop() }
        let pds = try PDSUp(environment: ["PDS_DEV_PLC_PORT": String(plcPort), "PDS_DEV_MODE": "false"])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        try #require(await appView.ready())
        let token = try await Self.session(pds)
        let timeline = await Self.get(pds.baseURL + "/xrpc/app.bsky.feed.getTimeline", token: token)
        #expect(timeline?.status == 501 && timeline?.errorName == "MethodNotImplemented", "\(String(describing: timeline?.json))")
        let proxied = await Self.get(pds.baseURL + "/xrpc/app.bsky.feed.getTimeline", token: token, proxy: "\(appView.did)#bsky_appview")
        #expect(proxied?.status == 400 && proxied?.errorName == "InvalidRequest")
        let message = proxied?.json?["message"] as? String ?? ""
        #expect(message.contains("not a public address"), "\(message)")
        let seen = await HTTP.get(appView.url + "/_seen")?.json?["seen"] as? [Any]
        #expect(seen?.isEmpty == true, "the AppView was reached: \(String(describing: seen))")
    }

    static func session(_ pds: PDSUp) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["handle": "bob.test", "password": "bob-pw", "email": "bob@example.com"])
        let created = await HTTP.post(pds.baseURL + "/xrpc/com.atproto.server.createAccount", body: body)
        guard let token = created?.json?["accessJwt"] as? String else { throw TestFailure("createAccount: \(String(describing: created?.json))") }
        return token
    }

    static func get(_ url: String, token: String, proxy: String? = nil) async -> HTTPResult? {
        var request = URLRequest(url: URL(string: url)!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let proxy { request.setValue(proxy, forHTTPHeaderField: "atproto-proxy") }
        return await HTTP.send(request)
    }
}
