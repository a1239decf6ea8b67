import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `pds drill`: drills that prove the PDS's claims from outside.
struct DrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill", abstract: "Drills run against a scratch `pds up` from outside.",
        subcommands: [CrashDrillCommand.self])
}

/// `pds drill crash`: a steady mixed write load from several accounts against a scratch
/// `pds up`, a firehose subscriber from cursor 0, and a `kill -9` of each service in turn
/// (and of the supervisor, then `pds up` again on the same directory). Afterwards every
/// acknowledged write must be there, the firehose gapless with every acknowledged commit
/// once and each repo's chain unbroken, and every repo must verify. Exits 1 on any finding.
struct CrashDrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash", abstract: "Kill -9 each process under write load; check that nothing acknowledged is lost.")

    static let everything = ["repo", "firehose", "auth", "blob", "backup", "gateway", "supervisor"]

    @Option(help: "Seconds of load.") var duration: Int = 60
    @Option(help: "Writes per second, across all accounts.") var rate: Int = 20
    @Option(help: "Accounts writing at once.") var accounts: Int = 4
    @Option(help: "What to kill, in order, comma-separated: \(everything.joined(separator: ","))") var kill: String = everything.joined(separator: ",")
    @Flag(help: "Print the figures as JSON.") var json = false
    @Option(help: "Scratch data directory (default: a new temporary one, removed afterwards).") var data: String?
    @Option(help: "Port for the scratch PDS (default: a free one).") var port: Int?

    func validate() throws {
        guard duration > 0, rate > 0, accounts > 0 else { throw ValidationError("--duration, --rate and --accounts must be positive") }
        let unknown = victims.filter { !Self.everything.contains($0) }
        guard unknown.isEmpty else { throw ValidationError("cannot kill \(unknown.joined(separator: ", ")): expected \(Self.everything.joined(separator: ", "))") }
    }

    var victims: [String] { kill.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    func run() async throws {
        let scratch = data == nil
        let directory = data ?? NSTemporaryDirectory() + "pds-drill-\(UUID().uuidString.prefix(8))"
        let cluster = DrillCluster(data: directory, port: try port ?? DrillCluster.freePort(), plcPort: try DrillCluster.freePort())
        defer {
            cluster.stop()
            if scratch { try? FileManager.default.removeItem(atPath: directory) }
        }
        try cluster.start()
        guard await DrillCluster.poll(.seconds(60), { await cluster.healthy() }) else {
            throw DrillFailure("pds up did not become healthy; see \(directory)/up.log")
        }
        let lanes = try await makeAccounts(cluster)
        let tail = DrillFirehoseTail()
        tail.start(port: cluster.port)

        let started = ContinuousClock.now
        let deadline = started + .seconds(duration)
        let interval = Duration.seconds(Double(accounts) / Double(rate))
        let signups = DrillSignups(client: try XRPCClient(cluster.baseURL))
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for lane in lanes { group.addTask { await lane.run(until: deadline, interval: interval) } }
                group.addTask { await signups.run(until: deadline) }
            }
        }
        var kills: [DrillReport.Kill] = []
        for (i, victim) in victims.enumerated() {
            try? await Task.sleep(until: started + .seconds(Double(duration) * Double(i + 1) / Double(victims.count + 1)))
            let recovered = victim == "supervisor" ? try await cluster.killSupervisor() : await cluster.kill(child: victim)
            kills.append(.init(service: victim, secondsToHealthy: recovered.map(Self.seconds)))
        }
        await load.value

        // Everything healthy, then the subscriber reaches the firehose's head.
        _ = await DrillCluster.poll(.seconds(30)) { await cluster.healthy() }
        let head = await firehoseHead(cluster)
        let caughtUp = await DrillCluster.poll(.seconds(30)) { head.map { tail.lastSeq >= $0 } ?? false }
        tail.stop()
        let findings = await DrillChecks.run(lanes: lanes, signups: signups, events: tail.events, caughtUp: caughtUp, cluster: cluster)
        let report = DrillReport(
            durationSeconds: duration, rate: rate, accounts: accounts,
            writesAttempted: lanes.reduce(0) { $0 + $1.attempts }, writesAcknowledged: lanes.reduce(0) { $0 + $1.acknowledged },
            failedRequests: lanes.reduce(into: signups.failures) { all, lane in all.merge(lane.failures, uniquingKeysWith: +) },
            firehoseReconnects: tail.reconnects, kills: kills, findings: findings)
        report.print(json: json)
        if !report.passed { throw ExitCode(1) }
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    /// `accounts` new accounts, each with its own lane of writes.
    func makeAccounts(_ cluster: DrillCluster) async throws -> [DrillLane] {
        var lanes: [DrillLane] = []
        for i in 0..<accounts {
            let client = try XRPCClient(cluster.baseURL)
            let session = try await client.call("com.atproto.server.createAccount", body: [
                "handle": "drill\(i)-\(UUID().uuidString.prefix(6).lowercased()).test", "password": "drill-password-\(i)",
                "email": "drill\(i)@example.com",
            ], timeout: 30)
            guard let did = session["did"] as? String, let access = session["accessJwt"] as? String,
                  let refresh = session["refreshJwt"] as? String else { throw DrillFailure("createAccount answered no session") }
            var authed = client
            authed.accessToken = access
            lanes.append(DrillLane(did: did, client: authed, refreshJwt: refresh))
        }
        return lanes
    }

    /// The firehose's newest seq, from the operator's `_health`.
    func firehoseHead(_ cluster: DrillCluster) async -> Int64? {
        var request = URLRequest(url: URL(string: cluster.baseURL + "/xrpc/_health")!, timeoutInterval: 5)
        request.setValue("Basic " + Data("admin:\(cluster.adminPassword)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        guard let (data, _) = try? await URLSession.shared.data(for: request),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let firehose = object["firehose"] as? [String: Any], let head = firehose["head"] as? NSNumber else { return nil }
        return head.int64Value
    }
}
