import IPC
import IPLD
import Syntax

/// `io.pdswift.admin.rebuildRepo` (procedure, admin auth, input `{"did": …}`): resets an
/// account's repo to a fresh commit over its records, dropping its history and every
/// superseded block, and announces it with a firehose `#sync` (what `pds admin rebuild-repo`
/// calls; the reference PDS has the same as an offline script). Answers the new head and
/// what was kept and dropped.
enum AdminRepoRoutes {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        routes.add(.procedure(try NSID("io.pdswift.admin.rebuildRepo")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            let did = try req.jsonObject().string("did")
            guard (try? DID(did)) != nil else { throw .invalidRequest("invalid did: \(did)") }
            do {
                let rebuilt = try await services.repoReset.rebuildRepo(.init(did: did))
                return .json(value: ["did": .string(did), "cid": .string(rebuilt.commit.cid), "rev": .string(rebuilt.commit.rev),
                                     "records": .int(Int64(rebuilt.records)), "droppedBlocks": .int(Int64(rebuilt.droppedBlocks))])
            } catch { throw XRPCError(any: error) }
        })
    }
}
