/// The AuthService (it owns accounts, sessions and tokens) as seen over IPC.
public protocol AuthServiceAPI: ServiceAPI {
    func createAccount(_ request: AuthTypes.CreateAccountRequest) async throws(IPCError) -> AuthTypes.Session
    func createSession(_ request: AuthTypes.CreateSessionRequest) async throws(IPCError) -> AuthTypes.Session
    func refreshSession(_ request: AuthTypes.TokenRequest) async throws(IPCError) -> AuthTypes.Session
    func deleteSession(_ request: AuthTypes.TokenRequest) async throws(IPCError) -> Empty
    func verifyAccess(_ request: AuthTypes.TokenRequest) async throws(IPCError) -> AuthTypes.Credentials
    func getAccount(_ request: AuthTypes.DIDRequest) async throws(IPCError) -> AuthTypes.AccountInfo
    func resolveHandle(_ request: AuthTypes.ResolveHandleRequest) async throws(IPCError) -> AuthTypes.ResolveHandleResponse
    func createAppPassword(_ request: AuthTypes.CreateAppPasswordRequest) async throws(IPCError) -> AuthTypes.AppPassword
    func listAppPasswords(_ request: AuthTypes.DIDRequest) async throws(IPCError) -> AuthTypes.AppPasswordList
    func revokeAppPassword(_ request: AuthTypes.RevokeAppPasswordRequest) async throws(IPCError) -> Empty
    func createInviteCodes(_ request: AuthTypes.CreateInviteCodesRequest) async throws(IPCError) -> AuthTypes.InviteCodes
    func setAccountStatus(_ request: AuthTypes.SetStatusRequest) async throws(IPCError) -> Empty
    func updateHandle(_ request: AuthTypes.UpdateHandleRequest) async throws(IPCError) -> Empty
    func emailFlow(_ request: AuthTypes.EmailFlowRequest) async throws(IPCError) -> AuthTypes.EmailFlowResponse
    /// DID documents and PLC operations (migration in and out).
    func identity(_ request: AuthTypes.IdentityRequest) async throws(IPCError) -> AuthTypes.IdentityResponse
    /// Charges the shared rate-limit counters (every gateway asks the same table).
    func consumeRateLimit(_ request: RateLimitTypes.ConsumeRequest) async throws(IPCError) -> RateLimitTypes.ConsumeResponse
    /// Operator methods.
    func listAccounts(_ request: AuthAdminTypes.ListAccountsRequest) async throws(IPCError) -> AuthAdminTypes.AccountList
    func adminDeleteAccount(_ request: AuthTypes.DIDRequest) async throws(IPCError) -> Empty
    func adminSetPassword(_ request: AuthAdminTypes.SetPasswordRequest) async throws(IPCError) -> Empty
    /// OAuth: the `/oauth/par`, `/oauth/token` and `/oauth/revoke` endpoints.
    func oauthEndpoint(_ request: OAuthTypes.EndpointRequest) async throws(IPCError) -> OAuthTypes.EndpointResponse
    /// OAuth: a step of the sign-in and consent page.
    func oauthAuthorize(_ request: OAuthTypes.AuthorizeRequest) async throws(IPCError) -> OAuthTypes.AuthorizeResponse
    /// OAuth: checks a DPoP-bound access token and its proof (the jti cache lives here, so every
    /// gateway sees the same one).
    func verifyOAuthAccess(_ request: OAuthTypes.AccessRequest) async throws(IPCError) -> OAuthTypes.AccessResponse
    /// OAuth: enters proofs a gateway checked itself into the shared jti cache.
    func registerDPoPProofs(_ request: OAuthTypes.ProofUses) async throws(IPCError) -> OAuthTypes.ProofUsesResponse
    /// OAuth: a user's sessions, for operators.
    func oauthSessions(_ request: OAuthTypes.SessionsRequest) async throws(IPCError) -> OAuthTypes.SessionsResponse
}

/// The wire names and types of the AuthService's own methods.
public enum AuthMethods {
    public static let createAccount = RPCMethod<AuthTypes.CreateAccountRequest, AuthTypes.Session>("createAccount")
    public static let createSession = RPCMethod<AuthTypes.CreateSessionRequest, AuthTypes.Session>("createSession")
    public static let refreshSession = RPCMethod<AuthTypes.TokenRequest, AuthTypes.Session>("refreshSession")
    public static let deleteSession = RPCMethod<AuthTypes.TokenRequest, Empty>("deleteSession")
    public static let verifyAccess = RPCMethod<AuthTypes.TokenRequest, AuthTypes.Credentials>("verifyAccess")
    public static let getAccount = RPCMethod<AuthTypes.DIDRequest, AuthTypes.AccountInfo>("getAccount")
    public static let resolveHandle = RPCMethod<AuthTypes.ResolveHandleRequest, AuthTypes.ResolveHandleResponse>("resolveHandle")
    public static let createAppPassword = RPCMethod<AuthTypes.CreateAppPasswordRequest, AuthTypes.AppPassword>("createAppPassword")
    public static let listAppPasswords = RPCMethod<AuthTypes.DIDRequest, AuthTypes.AppPasswordList>("listAppPasswords")
    public static let revokeAppPassword = RPCMethod<AuthTypes.RevokeAppPasswordRequest, Empty>("revokeAppPassword")
    public static let createInviteCodes = RPCMethod<AuthTypes.CreateInviteCodesRequest, AuthTypes.InviteCodes>("createInviteCodes")
    public static let setAccountStatus = RPCMethod<AuthTypes.SetStatusRequest, Empty>("setAccountStatus")
    public static let updateHandle = RPCMethod<AuthTypes.UpdateHandleRequest, Empty>("updateHandle")
    public static let emailFlow = RPCMethod<AuthTypes.EmailFlowRequest, AuthTypes.EmailFlowResponse>("emailFlow")
    public static let identity = RPCMethod<AuthTypes.IdentityRequest, AuthTypes.IdentityResponse>("identity")
    public static let consumeRateLimit = RPCMethod<RateLimitTypes.ConsumeRequest, RateLimitTypes.ConsumeResponse>("consumeRateLimit")
    public static let listAccounts = RPCMethod<AuthAdminTypes.ListAccountsRequest, AuthAdminTypes.AccountList>("listAccounts")
    public static let adminDeleteAccount = RPCMethod<AuthTypes.DIDRequest, Empty>("adminDeleteAccount")
    public static let adminSetPassword = RPCMethod<AuthAdminTypes.SetPasswordRequest, Empty>("adminSetPassword")
    public static let oauthEndpoint = RPCMethod<OAuthTypes.EndpointRequest, OAuthTypes.EndpointResponse>("oauthEndpoint")
    public static let oauthAuthorize = RPCMethod<OAuthTypes.AuthorizeRequest, OAuthTypes.AuthorizeResponse>("oauthAuthorize")
    public static let verifyOAuthAccess = RPCMethod<OAuthTypes.AccessRequest, OAuthTypes.AccessResponse>("verifyOAuthAccess")
    public static let registerDPoPProofs = RPCMethod<OAuthTypes.ProofUses, OAuthTypes.ProofUsesResponse>("registerDPoPProofs")
    public static let oauthSessions = RPCMethod<OAuthTypes.SessionsRequest, OAuthTypes.SessionsResponse>("oauthSessions")
}

extension AuthServiceAPI {
    /// This implementation's methods, ready to serve over a socket or in-process.
    public func rpcHandlers() -> RPCHandlers {
        var h = RPCHandlers()
        registerCommonMethods(into: &h)
        h.register(AuthMethods.createAccount) { r async throws(IPCError) in try await self.createAccount(r) }
        h.register(AuthMethods.createSession) { r async throws(IPCError) in try await self.createSession(r) }
        h.register(AuthMethods.refreshSession) { r async throws(IPCError) in try await self.refreshSession(r) }
        h.register(AuthMethods.deleteSession) { r async throws(IPCError) in try await self.deleteSession(r) }
        h.register(AuthMethods.verifyAccess) { r async throws(IPCError) in try await self.verifyAccess(r) }
        h.register(AuthMethods.getAccount) { r async throws(IPCError) in try await self.getAccount(r) }
        h.register(AuthMethods.resolveHandle) { r async throws(IPCError) in try await self.resolveHandle(r) }
        h.register(AuthMethods.createAppPassword) { r async throws(IPCError) in try await self.createAppPassword(r) }
        h.register(AuthMethods.listAppPasswords) { r async throws(IPCError) in try await self.listAppPasswords(r) }
        h.register(AuthMethods.revokeAppPassword) { r async throws(IPCError) in try await self.revokeAppPassword(r) }
        h.register(AuthMethods.createInviteCodes) { r async throws(IPCError) in try await self.createInviteCodes(r) }
        h.register(AuthMethods.setAccountStatus) { r async throws(IPCError) in try await self.setAccountStatus(r) }
        h.register(AuthMethods.updateHandle) { r async throws(IPCError) in try await self.updateHandle(r) }
        h.register(AuthMethods.emailFlow) { r async throws(IPCError) in try await self.emailFlow(r) }
        h.register(AuthMethods.identity) { r async throws(IPCError) in try await self.identity(r) }
        h.register(AuthMethods.consumeRateLimit) { r async throws(IPCError) in try await self.consumeRateLimit(r) }
        h.register(AuthMethods.listAccounts) { r async throws(IPCError) in try await self.listAccounts(r) }
        h.register(AuthMethods.adminDeleteAccount) { r async throws(IPCError) in try await self.adminDeleteAccount(r) }
        h.register(AuthMethods.adminSetPassword) { r async throws(IPCError) in try await self.adminSetPassword(r) }
        h.register(AuthMethods.oauthEndpoint) { r async throws(IPCError) in try await self.oauthEndpoint(r) }
        h.register(AuthMethods.oauthAuthorize) { r async throws(IPCError) in try await self.oauthAuthorize(r) }
        h.register(AuthMethods.verifyOAuthAccess) { r async throws(IPCError) in try await self.verifyOAuthAccess(r) }
        h.register(AuthMethods.registerDPoPProofs) { r async throws(IPCError) in try await self.registerDPoPProofs(r) }
        h.register(AuthMethods.oauthSessions) { r async throws(IPCError) in try await self.oauthSessions(r) }
        return h
    }
}

/// Calls an AuthService through an `RPCCaller`.
public struct AuthServiceClient: AuthServiceAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ r: PingRequest) async throws(IPCError) -> PingResponse { try await caller.call(CommonMethods.ping, r) }
    public func createAccount(_ r: AuthTypes.CreateAccountRequest) async throws(IPCError) -> AuthTypes.Session {
        // Account creation hashes a password and talks to the PLC directory: give it time.
        try await caller.call(AuthMethods.createAccount, r, timeout: .seconds(30))
    }
    public func createSession(_ r: AuthTypes.CreateSessionRequest) async throws(IPCError) -> AuthTypes.Session {
        try await caller.call(AuthMethods.createSession, r, timeout: .seconds(15))
    }
    public func refreshSession(_ r: AuthTypes.TokenRequest) async throws(IPCError) -> AuthTypes.Session { try await caller.call(AuthMethods.refreshSession, r) }
    public func deleteSession(_ r: AuthTypes.TokenRequest) async throws(IPCError) -> Empty { try await caller.call(AuthMethods.deleteSession, r) }
    public func verifyAccess(_ r: AuthTypes.TokenRequest) async throws(IPCError) -> AuthTypes.Credentials { try await caller.call(AuthMethods.verifyAccess, r) }
    public func getAccount(_ r: AuthTypes.DIDRequest) async throws(IPCError) -> AuthTypes.AccountInfo { try await caller.call(AuthMethods.getAccount, r) }
    public func resolveHandle(_ r: AuthTypes.ResolveHandleRequest) async throws(IPCError) -> AuthTypes.ResolveHandleResponse { try await caller.call(AuthMethods.resolveHandle, r) }
    public func createAppPassword(_ r: AuthTypes.CreateAppPasswordRequest) async throws(IPCError) -> AuthTypes.AppPassword {
        try await caller.call(AuthMethods.createAppPassword, r, timeout: .seconds(15))
    }
    public func listAppPasswords(_ r: AuthTypes.DIDRequest) async throws(IPCError) -> AuthTypes.AppPasswordList { try await caller.call(AuthMethods.listAppPasswords, r) }
    public func revokeAppPassword(_ r: AuthTypes.RevokeAppPasswordRequest) async throws(IPCError) -> Empty { try await caller.call(AuthMethods.revokeAppPassword, r) }
    public func createInviteCodes(_ r: AuthTypes.CreateInviteCodesRequest) async throws(IPCError) -> AuthTypes.InviteCodes { try await caller.call(AuthMethods.createInviteCodes, r) }
    public func setAccountStatus(_ r: AuthTypes.SetStatusRequest) async throws(IPCError) -> Empty { try await caller.call(AuthMethods.setAccountStatus, r) }
    public func emailFlow(_ r: AuthTypes.EmailFlowRequest) async throws(IPCError) -> AuthTypes.EmailFlowResponse {
        try await caller.call(AuthMethods.emailFlow, r, timeout: .seconds(15))
    }
    public func identity(_ r: AuthTypes.IdentityRequest) async throws(IPCError) -> AuthTypes.IdentityResponse {
        // These talk to the PLC directory (with retries) or a did:web host: give them time.
        try await caller.call(AuthMethods.identity, r, timeout: .seconds(30))
    }
    public func updateHandle(_ r: AuthTypes.UpdateHandleRequest) async throws(IPCError) -> Empty {
        try await caller.call(AuthMethods.updateHandle, r, timeout: .seconds(30))
    }
    public func consumeRateLimit(_ r: RateLimitTypes.ConsumeRequest) async throws(IPCError) -> RateLimitTypes.ConsumeResponse {
        // On every request's path: a short deadline, and the gateway lets the request through if it passes.
        try await caller.call(AuthMethods.consumeRateLimit, r, timeout: .seconds(1))
    }
    public func listAccounts(_ r: AuthAdminTypes.ListAccountsRequest) async throws(IPCError) -> AuthAdminTypes.AccountList {
        try await caller.call(AuthMethods.listAccounts, r)
    }
    public func adminDeleteAccount(_ r: AuthTypes.DIDRequest) async throws(IPCError) -> Empty {
        try await caller.call(AuthMethods.adminDeleteAccount, r, timeout: .seconds(30))
    }
    public func adminSetPassword(_ r: AuthAdminTypes.SetPasswordRequest) async throws(IPCError) -> Empty {
        try await caller.call(AuthMethods.adminSetPassword, r, timeout: .seconds(15))
    }
    public func oauthEndpoint(_ r: OAuthTypes.EndpointRequest) async throws(IPCError) -> OAuthTypes.EndpointResponse {
        // PAR may fetch the client's metadata document (a few seconds at most).
        try await caller.call(AuthMethods.oauthEndpoint, r, timeout: .seconds(15))
    }
    public func oauthAuthorize(_ r: OAuthTypes.AuthorizeRequest) async throws(IPCError) -> OAuthTypes.AuthorizeResponse {
        try await caller.call(AuthMethods.oauthAuthorize, r, timeout: .seconds(15))
    }
    public func verifyOAuthAccess(_ r: OAuthTypes.AccessRequest) async throws(IPCError) -> OAuthTypes.AccessResponse {
        try await caller.call(AuthMethods.verifyOAuthAccess, r)
    }
    public func registerDPoPProofs(_ r: OAuthTypes.ProofUses) async throws(IPCError) -> OAuthTypes.ProofUsesResponse {
        try await caller.call(AuthMethods.registerDPoPProofs, r)
    }
    public func oauthSessions(_ r: OAuthTypes.SessionsRequest) async throws(IPCError) -> OAuthTypes.SessionsResponse {
        try await caller.call(AuthMethods.oauthSessions, r)
    }
}
