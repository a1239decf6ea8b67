import IPC
import NIOCore
import Syntax

/// `com.atproto.sync.getRecord` (a CAR proving one record from the signed commit) and
/// `getBlocks`; and a plain-HTTP answer for `subscribeRepos`, which is a WebSocket.
enum SyncRecordRoutes {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections) throws {
        routes.add(.query(try NSID("com.atproto.sync.getRecord")) { request throws(XRPCError) in
            let did = try SyncRoutes.requiredDID(request)
            let collection = try request.requiredParameter("collection")
            let rkey = try request.requiredParameter("rkey")
            guard NSID.isValid(collection) else { throw .invalidRequest("Error: collection must be a valid nsid") }
            guard (try? RecordKey(rkey)) != nil else { throw .invalidRequest("Error: rkey must be a valid record key") }
            try await SyncAccountStatus.requireActive(did, services: services, headers: request.headers)
            let car = try await SyncRoutes.call { () async throws(IPCError) in
                try await services.repoSync.syncGetRecord(.init(did: did, collection: collection, rkey: rkey))
            }
            return XRPCResponse(contentType: SyncRoutes.carContentType, body: ByteBuffer(bytes: car.car))
        })
        routes.add(.query(try NSID("com.atproto.sync.getBlocks")) { request throws(XRPCError) in
            let did = try SyncRoutes.requiredDID(request)
            let cids = request.parameters["cids"] ?? []
            guard !cids.isEmpty else { throw .invalidRequest("Error: Params must have the property \"cids\"") }
            try await SyncAccountStatus.requireActive(did, services: services, headers: request.headers)
            let car = try await SyncRoutes.call { () async throws(IPCError) in
                try await services.repoSync.syncGetBlocks(.init(did: did, cids: cids))
            }
            return XRPCResponse(contentType: SyncRoutes.carContentType, body: ByteBuffer(bytes: car.car))
        })
        // Reached only by requests that did not ask to upgrade (the upgrade is decided before
        // routing): tell the client what this endpoint is.
        routes.add(.query(try NSID("com.atproto.sync.subscribeRepos")) { _ throws(XRPCError) in
            throw XRPCError(.badRequest, "InvalidRequest", "subscribeRepos is a WebSocket endpoint: connect with Upgrade: websocket")
        })
    }
}
