import Foundation
import TestSupport
import Testing

/// An account moved between two `pds up` servers (two data directories, the first one's dev
/// PLC directory shared) with `pds account migrate`, interrupted twice and run again, then
/// checked from outside by `Tests/Interop/migration_end_to_end.py` with the atproto SDK.
/// `PDSWIFT_MIGRATION_RECORDS` / `_BLOBS` make the account larger on demand.
@Suite(.enabled(if: PythonTools.python != nil || PythonTools.inCI, Comment(rawValue: PythonTools.skipReason)))
struct MigrationEndToEndTests {
    static let records = Int(ProcessInfo.processInfo.environment["PDSWIFT_MIGRATION_RECORDS"] ?? "") ?? 1000
    static let blobs = Int(ProcessInfo.processInfo.environment["PDSWIFT_MIGRATION_BLOBS"] ?? "") ?? 20

    @Test func migrateAnAccountBetweenTwoServers() async throws {
        let plcPort = try LoopbackPort.free()
        let old = try PDSUp(environment: ["PDS_DEV_PLC_PORT": String(plcPort), "PDS_SERVICE_DID": "did:web:old.pds.test"])
        defer { old.stop(); old.removeData() }
        let plc = "http://127.0.0.1:\(plcPort)"
        let new = try PDSUp(environment: ["PDS_DID_PLC_URL": plc, "PDS_SERVICE_DID": "did:web:new.pds.test"])
        defer { new.stop(); new.removeData() }
        for pds in [old, new] {
            let healthy = await HTTP.eventually(within: .seconds(40)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
            try #require(healthy, "never healthy:\n\(pds.log())")
        }
        let script = try String(contentsOf: PythonTools.packageRoot.appendingPathComponent("Tests/Interop/migration_end_to_end.py"), encoding: .utf8)
        let state = old.dataDirectory.appendingPathComponent("migration-state.json").path
        let seeded = try PythonTools.run(script: script, arguments: ["seed", old.baseURL, state, String(Self.records), String(Self.blobs)], timeout: 300)
        try #require(seeded.status == 0, "seeding failed:\n\(seeded.output)\n\(old.log().suffix(3000))")
        let did = try #require((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state))) as? [String: Any])?["did"] as? String)

        let migrate = ["account", "migrate", "--from-pds", old.baseURL, "--identifier", "alice.test", "--password", "alice-pw",
                       "--to-pds", new.baseURL]
        // 1. Stopped right after importRepo, as a crash there would stop it.
        let first = try PDSUp.runCommand(migrate, environment: ["PDS_MIGRATE_STOP_AFTER": "repo"])
        #expect(first.status == 3 && first.output.contains("imported the repo"), "\(first.output)")
        // 2. Again: it goes on (blobs, preferences), asks the old PDS for the PLC code and,
        //    with nothing on standard input, stops saying how to go on.
        let second = try PDSUp.runCommand(migrate)
        #expect(second.status != 0 && second.output.contains("already exists") && second.output.contains("copied the blobs")
                && second.output.contains("--plc-token"), "\(second.output)")
        let mailbox = try String(contentsOf: old.dataDirectory.appendingPathComponent("mailbox.jsonl"), encoding: .utf8)
        let token = try #require(mailbox.split(separator: "\n").reversed().compactMap { line -> String? in
            guard let m = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
                  m["to"] == "alice@example.com", m["subject"] == "PLC update requested" else { return nil }
            return m["token"]
        }.first, "no PLC token was mailed:\n\(mailbox)")
        // 3. With the emailed code: it completes.
        let started = Date()
        let third = try PDSUp.runCommand(migrate + ["--plc-token", token])
        #expect(third.status == 0 && third.output.contains("done: \(did)"), "\(third.output)\n--- new ---\n\(new.log().suffix(3000))")
        print("migration (resumed run) took \(String(format: "%.2f", Date().timeIntervalSince(started))) s:\n\(third.output)")

        let verified = try PythonTools.run(script: script, arguments: ["verify", old.baseURL, new.baseURL, plc, state], timeout: 300)
        #expect(verified.status == 0 && verified.output.contains("ALL OK"),
                "verification failed:\n\(verified.output)\n--- new ---\n\(new.log().suffix(4000))\n--- old ---\n\(old.log().suffix(2000))")
    }
}
