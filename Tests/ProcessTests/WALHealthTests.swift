import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// With automatic checkpoints off and nothing checkpointing, write-ahead logs grow; `_health`
/// reports every service's WAL sizes and warns once one passes `PDS_SQLITE_WAL_WARNING_MB`.
@Suite struct WALHealthTests {
    @Test func growingWALShowsInHealthWithAWarning() async throws {
        let pds = try PDSUp(environment: ["PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT": "true", "PDS_SQLITE_WAL_WARNING_MB": "1"])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let before = try #require(await pds.health()?.json)
        #expect((before["warnings"] as? [String])?.isEmpty == true, "\(before)")

        let account = try #require(await HTTP.post(pds.baseURL + "/xrpc/com.atproto.server.createAccount", body: try JSONSerialization.data(
            withJSONObject: ["handle": "wal.test", "password": "pw-wal-123", "email": "wal@example.com"])))
        try #require(account.status == 200, "\(String(decoding: account.body, as: UTF8.self))")
        let did = try #require(account.json?["did"] as? String)
        let token = try #require(account.json?["accessJwt"] as? String)
        // 200 creates per applyWrites; each commit appends new pages to the repo's WAL.
        for batch in 0..<4 {
            let writes: [[String: Any]] = (0..<200).map { i in
                ["$type": "com.atproto.repo.applyWrites#create", "collection": "app.bsky.feed.post",
                 "value": ["$type": "app.bsky.feed.post", "text": "batch \(batch) post \(i) " + String(repeating: "x", count: 200),
                           "createdAt": "2026-11-25T00:00:00.000Z"]]
            }
            var request = URLRequest(url: URL(string: pds.baseURL + "/xrpc/com.atproto.repo.applyWrites")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.httpBody = try JSONSerialization.data(withJSONObject: ["repo": did, "writes": writes])
            let result = try #require(await HTTP.send(request))
            try #require(result.status == 200, "\(String(decoding: result.body, as: UTF8.self))")
        }

        let health = try #require(await pds.health()?.json)
        let services = try #require(health["services"] as? [String: [String: Any]])
        for name in ["repo", "auth", "firehose", "blob", "backup"] {
            #expect(services[name]?["wal"] is [String: Any], "\(name) reports no WAL figures: \(services[name] ?? [:])")
        }
        let repoWAL = try #require(services["repo"]?["wal"] as? [String: Any])
        let total = try #require(repoWAL["totalBytes"] as? Int)
        #expect(total > 1 << 20, "repo WAL only \(total) bytes")
        let largest = try #require((repoWAL["largest"] as? [[String: Any]])?.first)
        #expect((largest["path"] as? String)?.hasSuffix("-wal") == true)
        let warnings = try #require(health["warnings"] as? [String])
        #expect(warnings.contains { $0.hasPrefix("repo: write-ahead log") }, "\(warnings)")
        let metrics = try #require(await HTTP.get(pds.baseURL + "/metrics"))
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("pds_sqlite_wal_bytes{service=\"repo\"}"))
    }
}
