import Foundation

/// The standard account migration, run as a client of both PDSes (the steps the reference
/// PDS documents and `goat account migrate` takes), each step skipped when the servers
/// show it done, so running it again after a failure continues where it stopped:
///
/// 1. sign in to the old PDS; a service-auth token from it for the new PDS's DID;
/// 2. `createAccount` on the new PDS with the DID (it starts deactivated), or sign in
///    there if an earlier run made the account;
/// 3. the repo: `getRepo` from the old PDS, `importRepo` to the new one — while the DID
///    does not point at the new PDS yet (its old commit is signed with the old key);
/// 4. every blob `listMissingBlobs` names, from the old PDS to the new one;
/// 5. the preferences;
/// 6. the DID: `getRecommendedDidCredentials` from the new PDS, an emailed token from the
///    old one, `signPlcOperation` there, `submitPlcOperation` to the new one;
/// 7. `activateAccount` on the new PDS, `deactivateAccount` on the old one.
struct AccountMigrationFlow {
    struct Options {
        var fromPDS: String
        var toPDS: String
        var identifier: String
        var password: String
        var newHandle: String?
        var email: String?
        var inviteCode: String?
        var plcToken: String?
        /// Asks for the emailed PLC token (nil: fail instead).
        var promptForToken: (() -> String?)?
        /// Stops after the named step (`account`, `repo`, `blobs`, `preferences`, `identity`,
        /// `activate`): for tests of resuming.
        var stopAfter: String?
    }

    /// A step reached `stopAfter`.
    struct Stopped: Error, CustomStringConvertible {
        let step: String
        var description: String { "stopped after the \(step) step (as asked); run the same command again to continue" }
    }

    let options: Options
    let log: (String) -> Void

    func run() async throws {
        var old = try XRPCClient(options.fromPDS)
        var new = try XRPCClient(options.toPDS)

        // 1. The old PDS.
        let oldSession = try await old.call("com.atproto.server.createSession",
                                            body: ["identifier": options.identifier, "password": options.password])
        guard let did = oldSession["did"] as? String, let oldToken = oldSession["accessJwt"] as? String else {
            throw AdminFailure("the old PDS's session has no DID")
        }
        old.accessToken = oldToken
        let oldHandle = oldSession["handle"] as? String ?? ""
        log("signed in to \(old.baseURL.absoluteString) as \(did) (\(oldHandle))")

        // 2. The account on the new PDS.
        let described = try await new.call("com.atproto.server.describeServer")
        guard let serviceDID = described["did"] as? String else { throw AdminFailure("the new PDS's describeServer names no DID") }
        if let session = try? await new.call("com.atproto.server.createSession", body: ["identifier": did, "password": options.password]),
           let token = session["accessJwt"] as? String {
            new.accessToken = token
            log("the account already exists on \(new.baseURL.absoluteString): continuing")
        } else {
            let auth = try await old.call("com.atproto.server.getServiceAuth",
                                          query: [("aud", serviceDID), ("lxm", "com.atproto.server.createAccount"),
                                                  ("exp", String(Int(Date().timeIntervalSince1970) + 300))])
            guard let serviceToken = auth["token"] as? String else { throw AdminFailure("the old PDS gave no service-auth token") }
            var body: [String: Any] = ["did": did, "handle": options.newHandle ?? oldHandle, "password": options.password]
            if let email = options.email ?? (oldSession["email"] as? String) { body["email"] = email }
            if let code = options.inviteCode { body["inviteCode"] = code }
            let created = try await new.call("com.atproto.server.createAccount", body: body, bearer: serviceToken)
            guard let token = created["accessJwt"] as? String else { throw AdminFailure("the new PDS's createAccount gave no session") }
            new.accessToken = token
            log("created the account on \(new.baseURL.absoluteString) (deactivated until the move is done)")
        }
        try stop(after: "account")

        // 3. The repo, while the DID still names the old PDS's key.
        var status = try await new.call("com.atproto.server.checkAccountStatus")
        if status["validDid"] as? Bool != true {
            let oldRepo = try await old.call("com.atproto.repo.describeRepo", query: [("repo", did)])
            let fetched = Date()
            let car = try await old.bytes("com.atproto.sync.getRepo", query: [("did", did)])
            log("fetched the repo from the old PDS: \(car.count) bytes in \(Self.seconds(since: fetched))"
                + ((oldRepo["handleIsCorrect"] as? Bool) == false ? " (the old handle does not resolve)" : ""))
            let started = Date()
            try await new.upload("com.atproto.repo.importRepo", car, contentType: "application/vnd.ipld.car")
            let took = Self.seconds(since: started)
            status = try await new.call("com.atproto.server.checkAccountStatus")
            log("imported the repo: \(status["indexedRecords"] as? Int ?? 0) records in \(took)")
        } else {
            log("the DID already points at the new PDS: repo import skipped")
        }
        try stop(after: "repo")

        // 4. Blobs.
        try await copyBlobs(did: did, old: old, new: new)
        try stop(after: "blobs")

        // 5. Preferences.
        let preferences = try await old.call("app.bsky.actor.getPreferences")
        try await new.call("app.bsky.actor.putPreferences", body: ["preferences": preferences["preferences"] ?? []])
        log("copied the preferences")
        try stop(after: "preferences")

        // 6. The DID.
        status = try await new.call("com.atproto.server.checkAccountStatus")
        if status["validDid"] as? Bool != true {
            guard did.hasPrefix("did:plc:") else {
                throw AdminFailure("\(did) is a did:web: update its document yourself (the new PDS's getRecommendedDidCredentials lists what it needs), then run this again")
            }
            let credentials = try await new.call("com.atproto.identity.getRecommendedDidCredentials")
            var token = options.plcToken
            if token == nil {
                try await old.call("com.atproto.identity.requestPlcOperationSignature", body: [:])
                log("the old PDS has emailed a confirmation code to the account's address")
                token = options.promptForToken?()
            }
            guard let token, !token.isEmpty else {
                throw AdminFailure("no PLC confirmation code: run again with --plc-token CODE (from the email)")
            }
            var request = credentials
            request["token"] = token
            let signed = try await old.call("com.atproto.identity.signPlcOperation", body: request)
            guard let operation = signed["operation"] else { throw AdminFailure("the old PDS signed no operation") }
            try await new.call("com.atproto.identity.submitPlcOperation", body: ["operation": operation])
            log("the DID now names \(new.baseURL.absoluteString) and its signing key")
        } else {
            log("the DID already points at the new PDS")
        }
        try stop(after: "identity")

        // 7. Switch over.
        status = try await new.call("com.atproto.server.checkAccountStatus")
        if status["activated"] as? Bool != true {
            try await new.call("com.atproto.server.activateAccount", body: [:])
            log("activated the account on \(new.baseURL.absoluteString)")
        }
        try stop(after: "activate")
        let oldNow = try await old.call("com.atproto.server.getSession")
        if oldNow["active"] as? Bool != false {
            try await old.call("com.atproto.server.deactivateAccount", body: [:])
            log("deactivated the account on \(old.baseURL.absoluteString)")
        }
        log("done: \(did) lives on \(new.baseURL.absoluteString)")
    }

    /// Every blob the new PDS lacks, from the old one, with a progress line.
    func copyBlobs(did: String, old: XRPCClient, new: XRPCClient) async throws {
        let status = try await new.call("com.atproto.server.checkAccountStatus")
        let expected = status["expectedBlobs"] as? Int ?? 0
        var done = status["importedBlobs"] as? Int ?? 0
        guard done < expected else {
            log("blobs: \(done)/\(expected) already there")
            return
        }
        var bytes = 0
        let started = Date()
        while true {
            let page = try await new.call("com.atproto.repo.listMissingBlobs", query: [("limit", "500")])
            let missing = (page["blobs"] as? [[String: Any]] ?? []).compactMap { $0["cid"] as? String }
            if missing.isEmpty { break }
            for cid in missing {
                let blob = try await old.bytes("com.atproto.sync.getBlob", query: [("did", did), ("cid", cid)])
                try await new.upload("com.atproto.repo.uploadBlob", blob, contentType: "application/octet-stream")
                done += 1
                bytes += blob.count
                Self.progress("blobs", done, of: expected)
            }
        }
        FileHandle.standardError.write(Data("\n".utf8))
        log("copied the blobs: \(done)/\(expected), \(bytes) bytes in \(Self.seconds(since: started))")
    }

    func stop(after step: String) throws { if options.stopAfter == step { throw Stopped(step: step) } }

    /// `blobs [#######-------------]  7/20`, redrawn in place on standard error.
    static func progress(_ label: String, _ done: Int, of total: Int) {
        let width = 30
        let filled = total > 0 ? min(width, done * width / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
    }

    static func seconds(since start: Date) -> String { String(format: "%.2f s", Date().timeIntervalSince(start)) }
}
