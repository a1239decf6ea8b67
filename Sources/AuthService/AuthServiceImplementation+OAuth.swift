import Foundation
import IPC

/// The OAuth methods of AuthService: the authorization server's endpoints, its sign-in steps,
/// the check of DPoP-bound tokens, and the operator's view of a user's sessions.
extension AuthServiceImplementation {
    func authorizationFlow() throws(IPCError) -> AuthorizationFlow {
        guard let oauth else { throw IPCError.remote(name: "MethodNotImplemented", message: "OAuth is not configured") }
        return oauth
    }

    public func oauthEndpoint(_ request: OAuthTypes.EndpointRequest) async throws(IPCError) -> OAuthTypes.EndpointResponse {
        try await authorizationFlow().server.serve(request)
    }

    public func oauthAuthorize(_ request: OAuthTypes.AuthorizeRequest) async throws(IPCError) -> OAuthTypes.AuthorizeResponse {
        try await authorizationFlow().step(request)
    }

    public func verifyOAuthAccess(_ request: OAuthTypes.AccessRequest) async throws(IPCError) -> OAuthTypes.AccessResponse {
        try await authorizationFlow().server.verifyAccess(request)
    }

    public func registerDPoPProofs(_ request: OAuthTypes.ProofUses) async throws(IPCError) -> OAuthTypes.ProofUsesResponse {
        try authorizationFlow().server.register(request)
    }

    public func oauthSessions(_ request: OAuthTypes.SessionsRequest) async throws(IPCError) -> OAuthTypes.SessionsResponse {
        try await serve {
            let sessions = try await store.oauthSessions(did: request.did)
            var revoked = 0
            if let target = request.revoke {
                for s in sessions where target == "*" || s.id == target {
                    try await store.revokeOAuthSession(refreshDigest: nil, id: s.id)
                    revoked += 1
                }
                if revoked == 0 { throw AuthError("NotFound", "No such OAuth session", status: 404) }
            }
            let format = ISO8601DateFormatter()
            func date(_ t: Double) -> String { format.string(from: Date(timeIntervalSince1970: t)) }
            let remaining = request.revoke == nil ? sessions : try await store.oauthSessions(did: request.did)
            return OAuthTypes.SessionsResponse(sessions: remaining.map {
                OAuthTypes.SessionInfo(id: $0.id, clientID: $0.clientID, scope: $0.scope, createdAt: date($0.createdAt),
                                       lastUsedAt: date($0.lastUsedAt), expiresAt: date($0.expiresAt))
            }, revoked: revoked)
        }
    }
}
