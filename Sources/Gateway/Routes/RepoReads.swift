import HTTPTypes
import IPC
import NIOCore
import IPLD
import Syntax

/// Public repo reads: `com.atproto.repo.getRecord`, `listRecords`, `describeRepo`, and
/// `com.atproto.identity.resolveHandle`.
enum RepoReads {
    /// The DID a `repo` parameter (DID or handle) names, if hosted here.
    /// A deactivated or taken-down repo is not served; a deactivated one is to its own
    /// account (with `headers` carrying its token), which may export it to move.
    static func resolve(_ repo: String, _ services: ServiceConnections, headers: HTTPFields? = nil) async throws(XRPCError) -> String {
        let did: String
        if repo.hasPrefix("did:") {
            guard DID.isValid(repo) else { throw .invalidRequest("Invalid DID: \(repo)") }
            did = repo
        } else {
            guard Handle.isValid(repo) else { throw .invalidRequest("Invalid handle or DID: \(repo)") }
            do { did = try await services.auth.resolveHandle(.init(handle: repo.lowercased())).did } catch {
                throw XRPCError(.badRequest, "RepoNotFound", "Could not find repo: \(repo)")
            }
        }
        let status: String?
        do {
            status = try await services.accountStatus.status(of: did) { () async throws(IPCError) in
                try await services.auth.getAccount(.init(did: did))
            }
        } catch {
            throw XRPCError(.badRequest, "RepoNotFound", "Could not find repo: \(repo)")
        }
        switch status {
        case nil: return did
        case "deactivated" where await SyncAccountStatus.isOwner(did, headers: headers, services: services): return did
        case "takendown": throw XRPCError(.badRequest, "RepoTakendown", "Repo has been taken down: \(did)")
        default: throw XRPCError(.badRequest, "RepoDeactivated", "Repo has been deactivated: \(did)")
        }
    }

    /// `{"uri", "cid", "value"}` with the record's JSON spliced in as RepoService wrote it (our
    /// own serializer's output, from a validated record), instead of parsed and written again.
    static func recordJSON(_ record: RepoTypes.Record) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(record.valueJSON.utf8.count + record.uri.utf8.count + 96)
        out.writeString("{\"uri\":")
        out.writeBytes(DataModelJSON.serialize(.string(record.uri)))
        out.writeString(",\"cid\":")
        out.writeBytes(DataModelJSON.serialize(.string(record.cid)))
        out.writeString(",\"value\":")
        out.writeString(record.valueJSON)
        out.writeString("}")
        return out
    }

    static func register(in routes: inout XRPCRoutes, services: ServiceConnections) throws {
        let repo = services.repo
        routes.add(.query(try NSID("com.atproto.repo.getRecord")) { req throws(XRPCError) in
            let did = try await resolve(try req.requiredParameter("repo"), services)
            let collection = try req.requiredParameter("collection"), rkey = try req.requiredParameter("rkey")
            guard NSID.isValid(collection) else { throw .invalidRequest("Invalid collection: \(collection)") }
            guard RecordKey.isValid(rkey) else { throw .invalidRequest("Invalid record key: \(rkey)") }
            do {
                let r = try await repo.getRecord(.init(did: did, collection: collection, rkey: rkey, cid: req.parameter("cid")))
                return .json(preEncoded: recordJSON(r))
            } catch { throw XRPCError(any: error) }
        })
        routes.add(.query(try NSID("com.atproto.repo.listRecords")) { req throws(XRPCError) in
            let did = try await resolve(try req.requiredParameter("repo"), services)
            let collection = try req.requiredParameter("collection")
            guard NSID.isValid(collection) else { throw .invalidRequest("Invalid collection: \(collection)") }
            var limit = 50
            if let l = req.parameter("limit") {
                guard let v = Int(l), (1...100).contains(v) else { throw .invalidRequest("limit must be an integer from 1 to 100") }
                limit = v
            }
            let reverse = req.parameter("reverse") == "true"
            do {
                let out = try await repo.listRecords(.init(did: did, collection: collection, limit: limit, cursor: req.parameter("cursor"), reverse: reverse))
                var body = ByteBuffer(string: "{\"records\":[")
                for (i, record) in out.records.enumerated() {
                    if i > 0 { body.writeString(",") }
                    var one = recordJSON(record)
                    body.writeBuffer(&one)
                }
                body.writeString("]")
                if let c = out.cursor { body.writeString(",\"cursor\":"); body.writeBytes(DataModelJSON.serialize(.string(c))) }
                body.writeString("}")
                return .json(preEncoded: body)
            } catch { throw XRPCError(any: error) }
        })
        routes.add(.query(try NSID("com.atproto.repo.describeRepo")) { req throws(XRPCError) in
            let did = try await resolve(try req.requiredParameter("repo"), services)
            do {
                let account = try await services.auth.getAccount(.init(did: did, includeDidDoc: true))
                let described = try await repo.describeRepo(.init(did: did))
                let doc = embeddedJSON(account.didDocJSON)
                let handleIsCorrect = doc["alsoKnownAs"]?.arrayValue?.first == .string("at://\(account.handle)")
                return .json(value: ["handle": .string(account.handle), "did": .string(did), "didDoc": doc,
                                     "collections": .array(described.collections.map { .string($0) }),
                                     "handleIsCorrect": .bool(handleIsCorrect)])
            } catch { throw XRPCError(any: error) }
        })
        routes.add(.query(try NSID("com.atproto.identity.resolveHandle")) { req throws(XRPCError) in
            let handle = try req.requiredParameter("handle").lowercased()
            guard Handle.isValid(handle) else { throw .invalidRequest("Invalid handle") }
            do { return .json(value: ["did": .string(try await services.auth.resolveHandle(.init(handle: handle, remote: true)).did)]) } catch {
                throw XRPCError(any: error)
            }
        })
    }
}
