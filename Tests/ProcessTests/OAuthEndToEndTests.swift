import Foundation
import TestSupport
import Testing

/// OAuth from outside against a real `pds up`: `Tests/Interop/oauth_end_to_end.py` is an
/// independent client (PAR, PKCE, DPoP and private_key_jwt made with Python's `cryptography`)
/// that tries every bad input and a full sign-in over HTTP; then the same sign-in in Debian's
/// chromium driven by playwright; then `pds admin oauth` lists and revokes what is left.
@Suite(.enabled(if: PythonTools.python != nil || PythonTools.inCI, Comment(rawValue: PythonTools.skipReason)))
struct OAuthEndToEndTests {
    static var interop: URL { PythonTools.packageRoot.appendingPathComponent("Tests/Interop") }

    static func script() throws -> String {
        try String(contentsOf: interop.appendingPathComponent("oauth_end_to_end.py"), encoding: .utf8)
    }

    @Test func everyBadInputAndAFullSignInOverHTTP() async throws {
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(40)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let state = pds.dataDirectory.appendingPathComponent("oauth-state.json")
        let run = try PythonTools.run(script: try Self.script(), arguments: ["flow", pds.baseURL, pds.dataDirectory.path, state.path],
                                      environment: ["PYTHONPATH": Self.interop.path], timeout: 300)
        #expect(run.status == 0 && run.output.contains("ALL OK"), "\(run.output)\n--- pds ---\n\(pds.log().suffix(3000))")
        guard run.status == 0 else { return }

        let saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: state)) as? [String: String])
        let did = try #require(saved["did"]), clientID = try #require(saved["client_id"])
        let listed = try pds.admin(["oauth", "sessions", did])
        #expect(listed.status == 0 && listed.output.contains("client=\(clientID)") && listed.output.contains("atproto transition:generic"),
                "\(listed.output)")
        let revoked = try pds.admin(["oauth", "revoke", did])
        #expect(revoked.status == 0 && revoked.output.contains("revoked 1 OAuth session"), "\(revoked.output)")
        let after = try pds.admin(["oauth", "sessions", did])
        #expect(after.output.contains("no OAuth sessions"), "\(after.output)")
    }

    @Test func signInAndConsentInARealBrowser() async throws {
        let chromium = ProcessInfo.processInfo.environment["PDSWIFT_CHROMIUM"] ?? "/usr/bin/chromium"
        try #require(FileManager.default.isExecutableFile(atPath: chromium) || !PythonTools.inCI,
                     "chromium is not installed at \(chromium) (scripts/setup.sh installs it)")
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            print("skipping the browser test: no chromium at \(chromium) (run ./scripts/setup.sh)")
            return
        }
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(40)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let run = try PythonTools.run(script: try Self.script(), arguments: ["browser", pds.baseURL],
                                      environment: ["PYTHONPATH": Self.interop.path, "PDSWIFT_CHROMIUM": chromium], timeout: 300)
        #expect(run.status == 0 && run.output.contains("ALL OK"), "\(run.output)\n--- pds ---\n\(pds.log().suffix(3000))")
    }

    /// A second `pds gateway` on the same back-end services, as a replica behind a load balancer
    /// would be: proofs are single use across both, and a revocation holds at both at once.
    @Test func proofsAreSingleUseAcrossGatewayReplicas() async throws {
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(40)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let port = try LoopbackPort.free()
        let replica = Process()
        replica.executableURL = try PDSUp.binary()
        replica.arguments = ["gateway"]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PDS_") }
        env["PDS_HOSTNAME"] = "localhost"
        env["PDS_DATA_DIRECTORY"] = pds.dataDirectory.path
        env["PDS_PORT"] = String(port)
        replica.environment = env
        let log = pds.dataDirectory.appendingPathComponent("replica.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        replica.standardOutput = try FileHandle(forWritingTo: log)
        replica.standardError = try FileHandle(forWritingTo: log)
        try replica.run()
        defer { replica.terminate(); replica.waitUntilExit() }
        let other = "http://127.0.0.1:\(port)"
        let up = await HTTP.eventually(within: .seconds(20)) { await HTTP.get(other + "/xrpc/_health")?.status == 200 }
        try #require(up, "the replica gateway never answered:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        let run = try PythonTools.run(script: try Self.script(), arguments: ["replicas", pds.baseURL, other],
                                      environment: ["PYTHONPATH": Self.interop.path], timeout: 120)
        #expect(run.status == 0 && run.output.contains("ALL OK"), "\(run.output)\n--- pds ---\n\(pds.log().suffix(3000))")
    }
}
