import BackupService
import Crypto
import Foundation
import GRDB
import IPLD
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Backups of a running PDS: `pds backup run` while writes continue, a drill, `pds restore`
/// onto a fresh directory that then serves every account and record, and a corrupted backup
/// failing its drill.
@Suite struct BackupProcessTests {
    static func sha256Hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    func json(_ object: [String: Any]) -> Data { try! JSONSerialization.data(withJSONObject: object) }

    static func authedPost(_ url: String, token: String, _ body: [String: Any]) async -> HTTPResult? {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = try! JSONSerialization.data(withJSONObject: body)
        return await HTTP.send(request)
    }

    static func uploadBlob(_ base: String, token: String, _ bytes: Data) async -> String? {
        var request = URLRequest(url: URL(string: base + "/xrpc/com.atproto.repo.uploadBlob")!)
        request.httpMethod = "POST"
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = bytes
        let r = await HTTP.send(request)
        return ((r?.json?["blob"] as? [String: Any])?["ref"] as? [String: Any])?["$link"] as? String
    }

    static func blobBytes(_ seed: Int, _ size: Int) -> Data {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        return Data((0..<size).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        })
    }

    /// Backups here are encrypted: the key the BackupService and `pds restore` are given.
    static let encryptionKey = String(repeating: "5a", count: 32)
    /// The key's own blob pool: `PDS_BACKUP_DIR/blobs/<key id>/`.
    static let keyID = try! BackupCipher(text: encryptionKey).keyID

    @Test func backupRestoreAndDrill() async throws {
        let pds = try PDSUp(environment: ["PDS_BACKUP_ENCRYPTION_KEY": Self.encryptionKey])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let account = try #require(await HTTP.post(pds.baseURL + "/xrpc/com.atproto.server.createAccount",
                                                   body: json(["handle": "dave.test", "password": "pw-dave-123", "email": "dave@example.com"])))
        try #require(account.status == 200, "\(String(decoding: account.body, as: UTF8.self))")
        let did = try #require(account.json?["did"] as? String)
        let token = try #require(account.json?["accessJwt"] as? String)
        let refreshToken = try #require(account.json?["refreshJwt"] as? String)
        let base = pds.baseURL
        let post: @Sendable (String) async -> String? = { text in
            let r = await Self.authedPost(base + "/xrpc/com.atproto.repo.createRecord", token: token,
                                     ["repo": did, "collection": "app.bsky.feed.post",
                                      "record": ["$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-25T00:00:00.000Z"]])
            return r?.json?["uri"] as? String
        }
        var acknowledged = [String]()
        for i in 0..<20 { if let uri = await post("before \(i)") { acknowledged.append(uri) } }
        #expect(acknowledged.count == 20)
        var blobs = [String: Data]()
        for i in 0..<4 {
            let bytes = Self.blobBytes(i, 10_000 + i * 150_000)
            if let cid = await Self.uploadBlob(base, token: token, bytes) { blobs[cid] = bytes }
        }
        #expect(blobs.count == 4)
        // A writer keeps writing (records and blobs) during the backup.
        let writer = Task {
            for i in 0..<20 {
                _ = await post("during \(i)")
                if i % 5 == 0 { _ = await Self.uploadBlob(base, token: token, Self.blobBytes(100 + i, 50_000)) }
            }
        }
        let run = try PDSUp.runCommand(["backup", "run", "--data", pds.dataDirectory.path])
        await writer.value
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("complete"))
        let drill = try PDSUp.runCommand(["backup", "drill", "--data", pds.dataDirectory.path])
        #expect(drill.status == 0 && drill.output.contains("PASSED"), "\(drill.output)")
        let health = try #require(await pds.health()?.json)
        let backups = health["backups"] as? [String: Any]
        #expect(backups?["backups"] as? Int == 1)
        #expect(backups?["lastDrillPassed"] as? Bool == true)

        // Restore onto a fresh directory and serve it.
        let backupRoot = pds.dataDirectory.appendingPathComponent("backups/backups")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: backupRoot.path).sorted().last)
        let restoredDir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pds-restored-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: restoredDir) }
        // What is stored is ciphertext: no SQLite header, no blob's bytes.
        let storedAuth = try Data(contentsOf: backupRoot.appendingPathComponent("\(id)/files/auth.sqlite"))
        #expect(!storedAuth.starts(with: Data("SQLite format 3".utf8)))
        let (_, aBlob) = try #require(blobs.first)
        let storedBlob = try Data(contentsOf: pds.dataDirectory.appendingPathComponent("backups/blobs/\(Self.keyID)/\(Self.sha256Hex(aBlob))"))
        #expect(storedBlob.range(of: aBlob.prefix(64)) == nil)
        // Without the key, or with another, nothing is written.
        let folder = backupRoot.appendingPathComponent(id).path
        let keyless = try PDSUp.runCommand(["restore", "--from", folder, "--to", restoredDir.path])
        #expect(keyless.status != 0 && keyless.output.contains("is encrypted"), "\(keyless.output)")
        let wrong = try PDSUp.runCommand(["restore", "--from", folder, "--to", restoredDir.path],
                                         environment: ["PDS_BACKUP_ENCRYPTION_KEY": String(repeating: "11", count: 32)])
        #expect(wrong.status != 0 && wrong.output.contains("not the key"), "\(wrong.output)")
        #expect(!FileManager.default.fileExists(atPath: restoredDir.path))
        let keyFile = pds.dataDirectory.appendingPathComponent("backup.key")
        try Data(Self.encryptionKey.utf8).write(to: keyFile)
        let restore = try PDSUp.runCommand(["restore", "--from", folder, "--to", restoredDir.path, "--key-file", keyFile.path])
        #expect(restore.status == 0, "\(restore.output)")
        // The backup brought secrets.env (JWT secret, PLC rotation key, admin password):
        // nothing of the PDS is copied by hand. plc.sqlite is the test's dev PLC directory,
        // which on a real host is plc.directory, not part of the PDS.
        func secrets(_ dir: URL) -> [Substring] {
            let text = (try? String(contentsOf: dir.appendingPathComponent("secrets.env"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.sorted()
        }
        #expect(secrets(restoredDir).count == 3 && secrets(restoredDir) == secrets(pds.dataDirectory))
        let mode = (try FileManager.default.attributesOfItem(atPath: restoredDir.appendingPathComponent("secrets.env").path)[.posixPermissions] as? Int) ?? 0
        #expect(mode & 0o077 == 0, "secrets.env is readable by others after a restore")
        try? FileManager.default.copyItem(at: pds.dataDirectory.appendingPathComponent("plc.sqlite"), to: restoredDir.appendingPathComponent("plc.sqlite"))
        let lastSeq = await Self.lastSeq(port: pds.port)
        // The new host has the key too (a file of its own, not from the backup), so its backups are encrypted.
        let restored = try PDSUp(environment: ["PDS_BACKUP_ENCRYPTION_KEY_FILE": keyFile.path], dataDirectory: restoredDir)
        defer { restored.stop() }
        let up = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(restored.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(up, "restored PDS never healthy:\n\(restored.log())")
        for uri in acknowledged {
            let rkey = uri.split(separator: "/").last!
            let got = await HTTP.get(restored.baseURL + "/xrpc/com.atproto.repo.getRecord?repo=\(did)&collection=app.bsky.feed.post&rkey=\(rkey)")
            #expect(got?.status == 200, "\(uri) missing after restore")
        }
        let login = await HTTP.post(restored.baseURL + "/xrpc/com.atproto.server.createSession",
                                    body: json(["identifier": "dave.test", "password": "pw-dave-123"]))
        #expect(login?.status == 200)
        // A session from before the backup goes on: its refresh token is honoured.
        var refresh = URLRequest(url: URL(string: restored.baseURL + "/xrpc/com.atproto.server.refreshSession")!)
        refresh.httpMethod = "POST"
        refresh.setValue("Bearer \(refreshToken)", forHTTPHeaderField: "Authorization")
        #expect(await HTTP.send(refresh)?.status == 200, "the old refresh token was refused after the restore")
        // The firehose goes on from the backup's sequence: a new write's seq is past every one
        // the backup held, none reused (the writes during the backup may or may not be in it).
        let restoredToken = try #require(login?.json?["accessJwt"] as? String)
        _ = await Self.authedPost(restored.baseURL + "/xrpc/com.atproto.repo.createRecord", token: restoredToken,
                                  ["repo": did, "collection": "app.bsky.feed.post",
                                   "record": ["$type": "app.bsky.feed.post", "text": "after restore", "createdAt": "2026-11-25T00:00:00.000Z"]])
        let seqs = await Self.seqs(port: restored.port)
        #expect(!seqs.isEmpty && seqs == seqs.sorted() && Set(seqs).count == seqs.count, "restored firehose: \(seqs.suffix(5))")
        #expect((seqs.last ?? 0) > 20 && (lastSeq ?? 0) >= (seqs.dropLast().last ?? 0), "last seq before \(lastSeq ?? -1), after \(seqs.suffix(3))")
        let restoredStatus = try PDSUp.runCommand(["backup", "status", "--data", restoredDir.path])
        #expect(restoredStatus.status == 0 && !restoredStatus.output.contains("not encrypted"), "\(restoredStatus.output)")
        // Every blob uploaded before the backup is served identically.
        for (cid, bytes) in blobs {
            let got = await HTTP.get(restored.baseURL + "/xrpc/com.atproto.sync.getBlob?did=\(did)&cid=\(cid)")
            #expect(got?.status == 200 && got?.body == bytes, "blob \(cid) not served identically after restore")
        }

        // With no new uploads, a further backup copies no blob: all are in the pool already.
        let catchUp = try PDSUp.runCommand(["backup", "run", "--data", pds.dataDirectory.path])
        let again = try PDSUp.runCommand(["backup", "run", "--data", pds.dataDirectory.path])
        #expect(again.status == 0 && again.output.contains(" 0 blobs copied"), "\(catchUp.output)\n\(again.output)")
        let newest = try #require(try FileManager.default.contentsOfDirectory(atPath: backupRoot.path).sorted().last)

        // A missing blob in the pool makes the drill fail naming the blob's file.
        let pool = pds.dataDirectory.appendingPathComponent("backups/blobs/\(Self.keyID)")
        let (someCID, someBytes) = try #require(blobs.first)
        let pooled = pool.appendingPathComponent(Self.sha256Hex(someBytes))
        let saved = try Data(contentsOf: pooled)
        try FileManager.default.removeItem(at: pooled)
        let missing = try PDSUp.runCommand(["backup", "drill", "--data", pds.dataDirectory.path])
        #expect(missing.status != 0 && missing.output.contains("FAILED") && missing.output.contains(someCID), "\(missing.output)")
        // A flipped byte in it likewise.
        var flipped = saved
        flipped[flipped.count / 3] ^= 0x20
        try flipped.write(to: pooled)
        let corrupt = try PDSUp.runCommand(["backup", "drill", "--data", pds.dataDirectory.path])
        #expect(corrupt.status != 0 && corrupt.output.contains(someCID), "\(corrupt.output)")
        try saved.write(to: pooled)

        // The drill's repo check: a record block altered inside a valid SQLite file, or a signing
        // key that is not the account's, is found and names the account store.
        restored.stop()
        // (Backup `id` is gone by now: retention keeps the newest of the day. The account store paths are the same.)
        let manifest = try LocalBackupTarget(root: pds.dataDirectory.appendingPathComponent("backups")).manifest(newest)
        #expect(BackupRepoCheck.check(manifest, in: restoredDir).problems.isEmpty)
        let store = try #require(manifest.files.first { $0.kind == .sqlite && $0.path.hasPrefix("actors/") })
        let storeURL = restoredDir.appendingPathComponent(store.path)
        let keyURL = storeURL.deletingPathExtension().appendingPathExtension("key")
        let savedKey = try Data(contentsOf: keyURL)
        try Data("ES256K \(String(repeating: "17", count: 32))\n".utf8).write(to: keyURL)
        let badKey = BackupRepoCheck.check(manifest, in: restoredDir).problems
        #expect(badKey.contains { $0.contains(store.path) && $0.contains("signature") }, "\(badKey)")
        try savedKey.write(to: keyURL)
        let queue = try DatabaseQueue(path: storeURL.path)
        try await queue.write { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT r.cid FROM record r LIMIT 1"))
            let cid = try CID(string: row["cid"] as String)
            try db.execute(sql: "UPDATE repo_block SET content = content || x'00' WHERE cid = ?", arguments: [Data(cid.bytes)])
        }
        try queue.close()
        let altered = BackupRepoCheck.check(manifest, in: restoredDir).problems
        #expect(altered.contains { $0.contains(store.path) && $0.contains("does not hash") }, "\(altered)")

        // A flipped byte in the backup's snapshot makes the drill fail and say where.
        let snapshot = backupRoot.appendingPathComponent(newest).appendingPathComponent("files/auth.sqlite")
        var bytes = try Data(contentsOf: snapshot)
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: snapshot)
        let failed = try PDSUp.runCommand(["backup", "drill", "--data", pds.dataDirectory.path])
        #expect(failed.status != 0)
        #expect(failed.output.contains("FAILED") && failed.output.contains("auth.sqlite"), "\(failed.output)")
    }

    /// Every seq the PDS on `port` replays from cursor 0, in order.
    static func seqs(port: Int) async -> [Int64] {
        let consumer = FirehoseConsumer(port: port, cursor: "0")
        defer { consumer.stop() }
        var seen: [Int64] = []
        _ = await consumer.waitFor(.seconds(5)) { frames in
            seen = frames.compactMap(\.seq)
            return false
        }
        return seen
    }

    static func lastSeq(port: Int) async -> Int64? { await seqs(port: port).last }
}
