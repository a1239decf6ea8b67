import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// Runs the real `pds up` with all six processes. Serialized: each test owns a whole PDS, and
/// the machine has two cores.
@Suite(.serialized) struct SupervisorTests {
    static let services = ["repo", "firehose", "blob", "auth", "backup"]

    @Test func describeServerAndHealthAnswer() async throws {
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(20)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        #expect(healthy, "never healthy:\n\(pds.log())")

        let describe = try #require(await HTTP.get(pds.baseURL + "/xrpc/com.atproto.server.describeServer"))
        #expect(describe.status == 200)
        #expect(describe.json?["did"] as? String == "did:web:localhost")
        #expect(describe.json?["availableUserDomains"] as? [String] == [".test"])

        // The public sees only the version: no process ids, uptimes or file paths.
        let open = try #require(await HTTP.get(pds.baseURL + "/xrpc/_health"))
        #expect(open.status == 200)
        #expect(open.json.map { Set($0.keys) } == ["version"], "\(String(decoding: open.body, as: UTF8.self))")
        var wrong = URLRequest(url: URL(string: pds.baseURL + "/xrpc/_health")!)
        wrong.setValue("Basic " + Data("admin:not-it".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        #expect(try #require(await HTTP.send(wrong)).json.map { Set($0.keys) } == ["version"])
        // The operator sees every service.
        let health = try #require(await pds.health())
        let services = try #require(health.json?["services"] as? [String: [String: Any]])
        #expect(Set(services.keys) == Set(Self.services))
        #expect(services.values.allSatisfy { $0["status"] as? String == "ok" && $0["pid"] != nil })
        #expect(health.json?["version"] as? String == open.json?["version"] as? String)

        // Secrets were generated once, privately, in the data directory.
        let secrets = pds.dataDirectory.appendingPathComponent("secrets.env").path
        let attributes = try FileManager.default.attributesOfItem(atPath: secrets)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: secrets, encoding: .utf8).contains("PDS_JWT_SECRET="))

        // Every child is prefixed with its name in the supervisor's output (relayed a moment
        // after the child writes it, so poll).
        for prefix in ["gateway  | ", "repo     | ", "auth     | "] {
            let relayed = await HTTP.eventually(within: .seconds(5)) { pds.log().contains(prefix) }
            #expect(relayed, "no line starting \(prefix) in:\n\(pds.log())")
        }
    }

    @Test func killedChildrenAreRestartedAloneAndCallsFailFastMeanwhile() async throws {
        let pds = try PDSUp(restartDelayMillis: 1500)
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(20)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")

        for name in Self.services + ["gateway"] {
            let before = pds.children()
            let victim = try #require(before[name], "no \(name) child in \(before)")
            kill(victim, SIGKILL)
            let killedAt = ContinuousClock.now

            if name != "gateway" {
                // While it is down, a call that needs it is a quick 503, not a hang.
                let body = Data("{\"service\":\"\(name)\"}".utf8)
                let call = try #require(await pds.adminPost("/xrpc/io.pdswift.server.pingService", body: body))
                #expect(call.status == 503, "\(name): \(String(decoding: call.body, as: UTF8.self))")
                #expect(call.errorName == "ServiceUnavailable" || call.errorName == "UpstreamTimeout")
                #expect(call.elapsed < .seconds(2))
                let health = try #require(await HTTP.get(pds.baseURL + "/xrpc/_health"))
                #expect(health.status == 503)
                #expect(health.errorName == "ServiceUnavailable" && health.json?["services"] == nil)
                #expect((health.json?["message"] as? String)?.contains(name) == true)
            }

            let recovered = await HTTP.eventually(within: .seconds(5)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
            #expect(recovered, "\(name) not back within 5 s:\n\(pds.log())")
            #expect(ContinuousClock.now - killedAt < .seconds(6))
            let after = pds.children()
            #expect(after[name] != nil && after[name] != victim, "\(name) was not restarted")
            for other in before.keys where other != name {
                #expect(after[other] == before[other], "\(other) was restarted when \(name) died")
            }
        }
        // Each process's output also went to its own log file, the supervisor's notes to up.log.
        let logs = pds.dataDirectory.appendingPathComponent("logs")
        let upLog = try String(contentsOf: logs.appendingPathComponent("up.log"), encoding: .utf8)
        #expect(upLog.contains("restarting gateway"), "\(upLog)")
        for name in Self.services + ["gateway"] {
            #expect(FileManager.default.fileExists(atPath: logs.appendingPathComponent(name + ".log").path), "no log file for \(name)")
        }
    }

    @Test func badInputGetsTheRightXRPCError() async throws {
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(20)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let pingPath = "/xrpc/io.pdswift.server.pingService"
        let ping = pds.baseURL + pingPath

        let malformed = try #require(await pds.adminPost(pingPath, body: Data("{\"service\":".utf8)))
        #expect(malformed.status == 400 && malformed.errorName == "InvalidRequest")
        let wrongType = try #require(await pds.adminPost(pingPath, contentType: "text/plain", body: Data("{\"service\":\"repo\"}".utf8)))
        #expect(wrongType.status == 400 && wrongType.errorName == "InvalidRequest")
        let oversized = try #require(await HTTP.post(ping, body: Data(repeating: UInt8(ascii: " "), count: 400 * 1024)))
        #expect(oversized.status == 413 && oversized.errorName == "PayloadTooLarge")
        let unknown = try #require(await HTTP.get(pds.baseURL + "/xrpc/com.example.does.notExist"))
        #expect(unknown.status == 501 && unknown.errorName == "MethodNotImplemented")
        let invalid = try #require(await HTTP.get(pds.baseURL + "/xrpc/..bad..nsid"))
        #expect(invalid.status == 400 && invalid.errorName == "InvalidRequest")
        let wrongVerb = try #require(await HTTP.get(ping))
        #expect(wrongVerb.status == 405)
        let ok = try #require(await pds.adminPost(pingPath, body: Data("{\"service\":\"auth\"}".utf8)))
        #expect(ok.status == 200 && ok.json?["service"] as? String == "auth")
        let anonymous = try #require(await HTTP.post(ping, body: Data("{\"service\":\"auth\"}".utf8)))
        #expect(anonymous.status == 401 && anonymous.errorName == "AuthenticationRequired")
    }

    @Test func sigtermStopsEverythingCleanly() async throws {
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(20)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let children = pds.children()
        // The six processes, plus the development PLC directory (no PDS_DID_PLC_URL set).
        #expect(children.count == 7)
        #expect(children["plc"] != nil)
        let started = ContinuousClock.now
        let status = pds.stop()
        #expect(status == 0)
        #expect(ContinuousClock.now - started < .seconds(10))
        for (name, pid) in children {
            #expect(kill(pid, 0) != 0, "\(name) (pid \(pid)) still running")
        }
        let log = pds.log()
        for name in Self.services + ["gateway"] {
            #expect(log.contains("\(name) (pid \(children[name] ?? 0)) exited with status 0"), "\(name) did not exit cleanly:\n\(log)")
        }
    }

    /// A `kill -9` of the supervisor: every child follows it, the development PLC directory
    /// too, so a new `pds up` on the same directory gets the same PLC port and the same data.
    @Test func killingTheSupervisorTakesEveryChildAlong() async throws {
        let plcPort = try LoopbackPort.free()
        let first = try PDSUp(environment: ["PDS_DEV_PLC_PORT": String(plcPort)])
        defer { first.stop() }
        let healthy = await HTTP.eventually(within: .seconds(20)) { await HTTP.get(first.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(first.log())")
        let account = try #require(await HTTP.post(first.baseURL + "/xrpc/com.atproto.server.createAccount",
                                                   body: Data(#"{"handle":"orphan.test","password":"pw-orphan-1"}"#.utf8)))
        try #require(account.status == 200, "\(account.body)")
        let children = first.children()
        #expect(children.count == 7 && children["plc"] != nil)
        kill(first.process.processIdentifier, SIGKILL)
        let gone = await HTTP.eventually(within: .seconds(5)) { children.values.allSatisfy { !Self.isRunning($0) } }
        #expect(gone, "left running: \(children.filter { Self.isRunning($0.value) }.keys.sorted())")
        // An orphan keeps the supervisor's exit pipe open (Foundation's Process would wait on
        // it forever): end any, so the test fails instead of hanging.
        for pid in children.values where Self.isRunning(pid) { kill(pid, SIGKILL) }

        let second = try PDSUp(environment: ["PDS_DEV_PLC_PORT": String(plcPort)], dataDirectory: first.dataDirectory)
        defer { second.stop(); second.removeData() }
        let again = await HTTP.eventually(within: .seconds(20)) { await HTTP.get(second.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(again, "not healthy again on the same directory:\n\(second.log())")
        let handle = try #require(await HTTP.get(second.baseURL + "/xrpc/com.atproto.identity.resolveHandle?handle=orphan.test"))
        #expect(handle.status == 200 && handle.json?["did"] as? String == account.json?["did"] as? String)
    }

    /// Alive and not a zombie (an orphan's parent may be slow to reap it).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    @Test func badConfigurationIsReportedClearly() throws {
        let process = Process()
        process.executableURL = try PDSUp.binary()
        process.arguments = ["up"]
        process.environment = ["PDS_PORT": "eighty", "PDS_DATA_DIRECTORY": NSTemporaryDirectory() + "pds-bad-\(UUID().uuidString.prefix(6))"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        #expect(output.contains("PDS_PORT=\"eighty\" is not valid"))
    }
}
