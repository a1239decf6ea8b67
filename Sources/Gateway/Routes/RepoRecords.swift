import IPC
import IPLD
import Syntax

/// `com.atproto.repo.*` record writes: createRecord, putRecord, deleteRecord, applyWrites,
/// all as the repo owner.
enum RepoRecords {
    static func commitJSON(_ c: RepoTypes.CommitRef) -> DataValue { ["cid": .string(c.cid), "rev": .string(c.rev)] }

    /// The repo named in a write, which must be the caller's own (by DID or handle).
    static func ownRepo(_ body: DataMap, _ who: AuthTypes.Credentials, services: ServiceConnections) async throws(XRPCError) -> String {
        let repo = try body.string("repo")
        if repo == who.did { return who.did }
        if !repo.hasPrefix("did:") {
            let resolved = try? await services.auth.resolveHandle(.init(handle: repo))
            if resolved?.did == who.did { return who.did }
        }
        throw XRPCError(.forbidden, "InvalidRequest", "Cannot modify another user's repo")
    }

    static func apply(_ services: ServiceConnections, did: String, _ writes: [RepoTypes.Write], validate: Bool?, swapCommit: String?) async throws(XRPCError) -> RepoTypes.ApplyWritesResponse {
        // Charged before the write, as the reference: a refused write still costs its points.
        try await RateLimits.consume([.repoWriteHourly, .repoWriteDaily], subject: did,
                                     points: writes.reduce(0) { $0 + RepoWritePoints.points(action: $1.action) })
        do { return try await services.repo.applyWrites(.init(did: did, writes: writes, validate: validate, swapCommit: swapCommit)) } catch {
            throw XRPCError(any: error)
        }
    }

    static func record(_ body: DataMap) throws(XRPCError) -> String {
        guard let r = body["record"], case .map = r else { throw .invalidRequest("Input must have the property \"record\"") }
        return DataModelJSON.string(r)
    }

    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        routes.add(.procedure(try NSID("com.atproto.repo.createRecord")) { req throws(XRPCError) in
            let who = try await auth.activeAccount(req)
            let body = try req.jsonObject()
            let did = try await ownRepo(body, who, services: services)
            let write = RepoTypes.Write(action: "create", collection: try body.string("collection"), rkey: try body.optionalString("rkey"),
                                        recordJSON: try record(body))
            try auth.require(.repo(collection: write.collection, action: .create), of: who)
            let out = try await apply(services, did: did, [write], validate: try body.optionalBool("validate"), swapCommit: try body.optionalString("swapCommit"))
            return .json(value: result(out, out.results[0]))
        })
        routes.add(.procedure(try NSID("com.atproto.repo.putRecord")) { req throws(XRPCError) in
            let who = try await auth.activeAccount(req)
            let body = try req.jsonObject()
            let did = try await ownRepo(body, who, services: services)
            // swapRecord: absent = no check; null = must not exist yet.
            let swap: String? = body["swapRecord"].map { $0.stringValue ?? "" }
            let write = RepoTypes.Write(action: "update", collection: try body.string("collection"), rkey: try body.string("rkey"),
                                        recordJSON: try record(body), swapRecord: swap)
            // putRecord creates or replaces: the grant must cover both, as the reference asks.
            try auth.require(.repo(collection: write.collection, action: .create), of: who)
            try auth.require(.repo(collection: write.collection, action: .update), of: who)
            let out = try await apply(services, did: did, [write], validate: try body.optionalBool("validate"), swapCommit: try body.optionalString("swapCommit"))
            return .json(value: result(out, out.results[0]))
        })
        routes.add(.procedure(try NSID("com.atproto.repo.deleteRecord")) { req throws(XRPCError) in
            let who = try await auth.activeAccount(req)
            let body = try req.jsonObject()
            let did = try await ownRepo(body, who, services: services)
            let write = RepoTypes.Write(action: "delete", collection: try body.string("collection"), rkey: try body.string("rkey"),
                                        swapRecord: try body.optionalString("swapRecord"))
            try auth.require(.repo(collection: write.collection, action: .delete), of: who)
            let out = try await apply(services, did: did, [write], validate: nil, swapCommit: try body.optionalString("swapCommit"))
            return .json(value: ["commit": commitJSON(out.commit)])
        })
        routes.add(.procedure(try NSID("com.atproto.repo.applyWrites"), maxBytes: 2_000_000) { req throws(XRPCError) in
            let who = try await auth.activeAccount(req)
            let body = try req.jsonObject()
            let did = try await ownRepo(body, who, services: services)
            guard case .array(let items)? = body["writes"] else { throw .invalidRequest("Input must have the property \"writes\"") }
            var writes = [RepoTypes.Write]()
            for item in items {
                guard case .map(let w) = item else { throw .invalidRequest("Each write must be an object") }
                let type = try w.string("$type")
                let collection = try w.string("collection")
                switch type {
                case "com.atproto.repo.applyWrites#create":
                    writes.append(.init(action: "create", collection: collection, rkey: try w.optionalString("rkey"), recordJSON: try jsonValue(w)))
                case "com.atproto.repo.applyWrites#update":
                    writes.append(.init(action: "update", collection: collection, rkey: try w.string("rkey"), recordJSON: try jsonValue(w)))
                case "com.atproto.repo.applyWrites#delete":
                    writes.append(.init(action: "delete", collection: collection, rkey: try w.string("rkey")))
                default: throw .invalidRequest("Unknown write type \(type)")
                }
            }
            for w in writes {
                try auth.require(.repo(collection: w.collection, action: OAuthScope.RepoAction(rawValue: w.action) ?? .create), of: who)
            }
            let out = try await apply(services, did: did, writes, validate: try body.optionalBool("validate"), swapCommit: try body.optionalString("swapCommit"))
            let results: [DataValue] = zip(writes, out.results).map { w, r in
                var m: [(String, DataValue)] = [("$type", .string("com.atproto.repo.applyWrites#\(w.action == "delete" ? "deleteResult" : w.action + "Result")"))]
                if w.action != "delete" {
                    m.append(("uri", .string(r.uri)))
                    if let cid = r.cid { m.append(("cid", .string(cid))) }
                    if let s = r.validationStatus { m.append(("validationStatus", .string(s))) }
                }
                return .map(DataMap(m))
            }
            return .json(value: ["commit": commitJSON(out.commit), "results": .array(results)])
        })
    }

    static func jsonValue(_ w: DataMap) throws(XRPCError) -> String {
        guard let v = w["value"], case .map = v else { throw .invalidRequest("Each create or update must have a \"value\" object") }
        return DataModelJSON.string(v)
    }

    static func result(_ out: RepoTypes.ApplyWritesResponse, _ r: RepoTypes.WriteResult) -> DataValue {
        var m: [(String, DataValue)] = [("uri", .string(r.uri)), ("commit", commitJSON(out.commit))]
        if let cid = r.cid { m.append(("cid", .string(cid))) }
        if let s = r.validationStatus { m.append(("validationStatus", .string(s))) }
        return .map(DataMap(m))
    }
}
