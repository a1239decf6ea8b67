import Foundation
import IPC
import IPLD
import Syntax

/// `io.pdswift.admin.listOAuthSessions` (query `did`) and `io.pdswift.admin.revokeOAuthSession`
/// (procedure `{"did", "session"}`, `session` `*` for all), with admin auth: what
/// `pds admin oauth sessions` and `pds admin oauth revoke` call.
enum AdminOAuthRoutes {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        routes.add(.query(try NSID("io.pdswift.admin.listOAuthSessions")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            let did = try req.requiredParameter("did")
            guard DID.isValid(did) else { throw .invalidRequest("invalid did: \(did)") }
            do { return .json(value: json(try await services.auth.oauthSessions(.init(did: did)))) } catch { throw XRPCError(any: error) }
        })
        routes.add(.procedure(try NSID("io.pdswift.admin.revokeOAuthSession")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            let body = try req.jsonObject()
            let did = try body.string("did")
            guard DID.isValid(did) else { throw .invalidRequest("invalid did: \(did)") }
            let session = try body.optionalString("session") ?? "*"
            do { return .json(value: json(try await services.auth.oauthSessions(.init(did: did, revoke: session)))) } catch { throw XRPCError(any: error) }
        })
    }

    static func json(_ r: OAuthTypes.SessionsResponse) -> DataValue {
        .map(DataMap([
            ("sessions", .array(r.sessions.map { s in
                .map(DataMap([("id", .string(s.id)), ("clientId", .string(s.clientID)), ("scope", .string(s.scope)),
                              ("createdAt", .string(s.createdAt)), ("lastUsedAt", .string(s.lastUsedAt)),
                              ("expiresAt", .string(s.expiresAt))]))
            })),
            ("revoked", .int(Int64(r.revoked))),
        ]))
    }
}
