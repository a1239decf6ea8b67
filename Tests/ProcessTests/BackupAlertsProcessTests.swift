import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The backup guardrails end to end: disk pressure (a threshold of 1%, so any volume counts as
/// full) and a stale backup (its manifest aged by two days, BackupService restarted) show in
/// `_health` and `/metrics`.
@Suite struct BackupAlertsProcessTests {
    @Test func diskPressureAndStaleBackupShowInHealth() async throws {
        let password = "admin-pw-\(UUID().uuidString.prefix(6))"
        let pds = try PDSUp(environment: ["PDS_ADMIN_PASSWORD": password, "PDS_DISK_USAGE_WARNING_PERCENT": "1"])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")

        func backupWarnings() async throws -> [String] {
            let health = try #require(await pds.health()?.json)
            return try #require((health["backups"] as? [String: Any])?["warnings"] as? [String], "\(health)")
        }
        let before = try await backupWarnings()
        #expect(before.contains { $0.hasPrefix("disk holding \(pds.dataDirectory.path) is") }, "\(before)")
        #expect(before.contains("no complete backup yet"), "\(before)")

        var request = URLRequest(url: URL(string: pds.baseURL + "/xrpc/io.pdswift.admin.runBackup")!)
        request.httpMethod = "POST"
        request.setValue("Basic " + Data("admin:\(password)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("{}".utf8)
        let backup = try #require(await HTTP.send(request))
        try #require(backup.status == 200, "\(String(decoding: backup.body, as: UTF8.self))")
        let id = try #require(backup.json?["id"] as? String)
        #expect(try await backupWarnings().contains { $0.contains("older than") } == false)

        // Age the backup by two days, as if no backup had run since.
        let manifestURL = pds.dataDirectory.appendingPathComponent("backups/backups/\(id)/manifest.json")
        var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        let formatter = ISO8601DateFormatter()
        for key in ["startedAt", "completedAt"] {
            let date = try #require((manifest[key] as? String).flatMap(formatter.date(from:)), "\(key) in \(manifest)")
            manifest[key] = formatter.string(from: date.addingTimeInterval(-2 * 86400))
        }
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        // BackupService keeps its listing for minutes (it only changes through it); a restart
        // reads the aged manifest, as it would after two days.
        let backupPID = try #require(pds.children()["backup"])
        kill(backupPID, SIGKILL)
        let restarted = await HTTP.eventually(within: .seconds(15)) {
            guard let pid = pds.children()["backup"], pid != backupPID else { return false }
            return await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200
        }
        try #require(restarted, "backup service not back:\n\(pds.log())")

        let after = try await backupWarnings()
        #expect(after.contains("the newest complete backup is older than 26 hours"), "\(after)")
        #expect(after.contains { $0.hasPrefix("disk holding") })
        let metrics = String(decoding: try #require(await HTTP.get(pds.baseURL + "/metrics")).body, as: UTF8.self)
        #expect(metrics.contains("pds_backup_warnings \(after.count)"), "\(metrics)")
        let age = metrics.split(separator: "\n").first { $0.hasPrefix("pds_backup_last_complete_age_seconds ") }
        let seconds = try #require(age.flatMap { Double($0.split(separator: " ").last ?? "") }, "\(metrics)")
        #expect(seconds > 2 * 86400 - 60)
    }
}
