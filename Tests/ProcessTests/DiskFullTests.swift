import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A full disk under a running PDS (a small tmpfs as its data directory; needs root, skipped
/// with a printed reason otherwise): writes answer 503 `InsufficientStorage` with no file path
/// or SQL in the message, nothing acknowledged is lost, the operator's `_health` says the disk
/// is full, and once space is freed writes work again without a restart.
@Suite(.serialized) struct DiskFullTests {
    @Test func aFullDiskRefusesWritesClearlyAndRecovers() async throws {
        guard geteuid() == 0 else {
            print("DiskFullTests skipped: mounting a tmpfs needs root")
            return
        }
        let mountPoint = NSTemporaryDirectory() + "pds-full-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard try PDSUp.runCommand(["-t", "tmpfs", "-o", "size=48m", "tmpfs", mountPoint], executable: "/bin/mount").status == 0 else {
            print("DiskFullTests skipped: cannot mount a tmpfs at \(mountPoint)")
            return
        }
        defer {
            _ = try? PDSUp.runCommand([mountPoint], executable: "/bin/umount")
            try? FileManager.default.removeItem(atPath: mountPoint)
        }
        let pds = try PDSUp(environment: ["PDS_ADMIN_PASSWORD": "full-admin"], dataDirectory: URL(fileURLWithPath: mountPoint + "/data"))
        defer { pds.stop() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let account = try #require(await HTTP.post(pds.baseURL + "/xrpc/com.atproto.server.createAccount",
                                                   body: Data(#"{"handle":"full.test","password":"full-password"}"#.utf8)))
        try #require(account.status == 200)
        let token = try #require(account.json?["accessJwt"] as? String)
        let did = try #require(account.json?["did"] as? String)
        #expect(try await write(pds, token, did, "before").status == 200)

        // Fill the disk.
        let filler = mountPoint + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let chunk = Data(count: 1 << 20)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()

        var refused = 0
        for i in 0..<20 {
            let answer = try await write(pds, token, did, "full-\(i)")
            if answer.status == 200 { continue }  // a page SQLite still had free
            refused += 1
            #expect(answer.status == 503 && answer.errorName == "InsufficientStorage", "\(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
            let message = answer.json?["message"] as? String ?? ""
            #expect(!message.contains("/") && !message.contains("SQLite"), "the message leaks internals: \(message)")
        }
        #expect(refused > 0, "a full disk refused no write")
        var upload = URLRequest(url: URL(string: pds.baseURL + "/xrpc/com.atproto.repo.uploadBlob")!)
        upload.httpMethod = "POST"
        upload.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        upload.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        upload.httpBody = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let blob = try #require(await HTTP.send(upload))
        #expect(blob.status == 503 && blob.errorName == "InsufficientStorage", "\(blob.status) \(String(decoding: blob.body, as: UTF8.self))")
        let details = try #require(await pds.health()?.json)
        let warnings = (details["backups"] as? [String: Any])?["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("100% full") }, "\(warnings)")

        // Space again: writes resume with no restart, and what was acknowledged is there.
        try FileManager.default.removeItem(atPath: filler)
        #expect(try await write(pds, token, did, "after").status == 200)
        let listed = try #require(await HTTP.get(pds.baseURL + "/xrpc/com.atproto.repo.listRecords?repo=\(did)&collection=app.bsky.feed.post&limit=100"))
        let texts = Set((listed.json?["records"] as? [[String: Any]] ?? []).compactMap { ($0["value"] as? [String: Any])?["text"] as? String })
        #expect(texts.isSuperset(of: ["before", "after"]))
        #expect(texts.count == 2 + (20 - refused), "every write acknowledged while full is kept, no refused one is")
    }

    func write(_ pds: PDSUp, _ token: String, _ did: String, _ text: String) async throws -> HTTPResult {
        var request = URLRequest(url: URL(string: pds.baseURL + "/xrpc/com.atproto.repo.createRecord")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"repo":"\#(did)","collection":"app.bsky.feed.post","record":{"$type":"app.bsky.feed.post","text":"\#(text)","createdAt":"2026-12-07T00:00:00.000Z"}}"#.utf8)
        return try #require(await HTTP.send(request))
    }
}
