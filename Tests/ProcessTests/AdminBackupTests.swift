import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Backups driven over HTTP by the operator (`io.pdswift.admin.*` behind Basic auth), and the
/// backup alert figures in `/metrics`.
@Suite struct AdminBackupTests {
    func adminRequest(_ pds: PDSUp, _ nsid: String, method: String, password: String) -> URLRequest {
        var request = URLRequest(url: URL(string: pds.baseURL + "/xrpc/" + nsid)!)
        request.httpMethod = method
        request.setValue("Basic " + Data("admin:\(password)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        if method == "POST" {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data("{}".utf8)
        }
        request.timeoutInterval = 120
        return request
    }

    @Test func backupAndDrillOverXRPCAndAlertsInMetrics() async throws {
        let password = "admin-pw-\(UUID().uuidString.prefix(6))"
        let pds = try PDSUp(environment: ["PDS_ADMIN_PASSWORD": password])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")

        // Before any backup the alerts say so.
        let before = String(decoding: try #require(await HTTP.get(pds.baseURL + "/metrics")).body, as: UTF8.self)
        #expect(before.contains("pds_backup_complete_count 0"), "\(before)")
        #expect(before.contains("pds_backup_warnings 1"))

        let refused = try #require(await HTTP.send(adminRequest(pds, "io.pdswift.admin.runBackup", method: "POST", password: "wrong")))
        #expect(refused.status == 401)
        let backup = try #require(await HTTP.send(adminRequest(pds, "io.pdswift.admin.runBackup", method: "POST", password: password)))
        #expect(backup.status == 200, "\(String(decoding: backup.body, as: UTF8.self))")
        let id = try #require(backup.json?["id"] as? String)
        #expect((backup.json?["files"] as? Int ?? 0) > 0)

        let drill = try #require(await HTTP.send(adminRequest(pds, "io.pdswift.admin.runBackupDrill", method: "POST", password: password)))
        #expect(drill.status == 200 && drill.json?["passed"] as? Bool == true, "\(String(decoding: drill.body, as: UTF8.self))")
        #expect(drill.json?["backupID"] as? String == id)

        let status = try #require(await HTTP.send(adminRequest(pds, "io.pdswift.admin.getBackupStatus", method: "GET", password: password)))
        #expect(status.json?["lastCompleteID"] as? String == id)
        // Dates as ISO 8601, like every other time in XRPC.
        let at = try #require(status.json?["lastCompleteAt"] as? String)
        #expect(ISO8601DateFormatter().date(from: at) != nil, "\(at)")
        // No PDS_BACKUP_ENCRYPTION_KEY here: the status says so, and `pds backup status` warns.
        #expect(status.json?["encrypted"] as? Bool == false)
        let cli = try PDSUp.runCommand(["backup", "status", "--data", pds.dataDirectory.path])
        #expect(cli.status == 0 && cli.output.contains("warning: backups are not encrypted: set PDS_BACKUP_ENCRYPTION_KEY"), "\(cli.output)")

        let after = String(decoding: try #require(await HTTP.get(pds.baseURL + "/metrics")).body, as: UTF8.self)
        #expect(after.contains("pds_backup_complete_count 1"), "\(after)")
        #expect(after.contains("pds_backup_last_drill_passed 1"))
        #expect(after.contains("pds_backup_warnings 0"))
    }
}
