import ATCrypto
import Config
import Foundation
import IPC
import Storage

/// The AuthService: accounts, sessions and tokens, behind its IPC methods.
public struct AuthServiceImplementation: AuthServiceAPI {
    let identity = ProcessIdentity(service: .auth, version: PDSConfig.softwareVersion)
    let sessions: Sessions
    let creation: AccountCreation
    let lifecycle: AccountLifecycle
    let emails: EmailFlows
    let plc: PLCClient
    /// Resolves handles hosted elsewhere (DNS TXT, then HTTPS).
    let resolver: HandleResolver
    /// Every gateway's rate-limit counters.
    let rateLimits = RateLimitTable()
    /// Accounts arriving with their DID, and the PLC operations of migrations.
    let migration: AccountMigration
    let plcOperations: PLCOperations
    /// The OAuth authorization server (nil only in tests that build the service by hand).
    let oauth: AuthorizationFlow?

    var store: AuthStore { sessions.store }

    init(sessions: Sessions, creation: AccountCreation, lifecycle: AccountLifecycle, emails: EmailFlows, plc: PLCClient,
         migration: AccountMigration, plcOperations: PLCOperations, oauth: AuthorizationFlow? = nil,
         resolver: HandleResolver = HandleResolver(allowPrivateAddresses: false)) {
        self.oauth = oauth
        self.resolver = resolver
        self.migration = migration
        self.plcOperations = plcOperations
        self.sessions = sessions
        self.creation = creation
        self.lifecycle = lifecycle
        self.emails = emails
        self.plc = plc
    }

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping(request, databases: [store.pool.path]) }

    /// Runs `body`, turning AuthService errors into the XRPC errors they name.
    func serve<T: Sendable>(_ body: () async throws -> T) async throws(IPCError) -> T {
        do { return try await body() } catch let e as IPCError { throw e } catch let e as AuthError {
            throw IPCError.remote(name: e.xrpcError, message: e.message)
        } catch {
            throw IPCError.remote(name: "InternalServerError", message: "\(error)")
        }
    }

    func session(_ s: Session) -> AuthTypes.Session {
        AuthTypes.Session(accessJwt: s.accessJwt, refreshJwt: s.refreshJwt, handle: s.handle, did: s.did, email: s.email,
                          emailConfirmed: s.emailConfirmed, active: s.status == .active,
                          status: s.status == .active ? nil : s.status.rawValue, didDocJSON: nil)
    }

    public func createAccount(_ request: AuthTypes.CreateAccountRequest) async throws(IPCError) -> AuthTypes.Session {
        try await serve {
            if let did = request.did { return try await migration.create(request, did: did) }
            return try await creation.create(request)
        }
    }

    public func createSession(_ request: AuthTypes.CreateSessionRequest) async throws(IPCError) -> AuthTypes.Session {
        try await serve {
            var s = session(try await sessions.create(identifier: request.identifier, password: request.password))
            s.didDocJSON = try? await plc.document(did: s.did)
            return s
        }
    }

    public func refreshSession(_ request: AuthTypes.TokenRequest) async throws(IPCError) -> AuthTypes.Session {
        try await serve { session(try await sessions.refresh(request.token)) }
    }

    public func deleteSession(_ request: AuthTypes.TokenRequest) async throws(IPCError) -> Empty {
        try await serve {
            try await sessions.delete(request.token)
            return Empty()
        }
    }

    public func verifyAccess(_ request: AuthTypes.TokenRequest) async throws(IPCError) -> AuthTypes.Credentials {
        try await serve {
            if OAuthAccessTokens.isOAuthToken(request.token) {
                // RFC 9449 §7.2: a DPoP-bound token is refused when presented as a bearer token.
                throw AuthError("InvalidToken", "OAuth tokens are DPoP-bound: use the DPoP authorization scheme", status: 401)
            }
            let claims = try await sessions.verifyAccess(request.token)
            guard let account = try await store.account(identifier: claims.did), account.status != .deleted else {
                throw AuthError.invalidToken
            }
            if account.status == .takendown { throw AuthError("AccountTakedown", "Account has been taken down", status: 401) }
            return AuthTypes.Credentials(did: claims.did, scope: claims.scope.rawValue,
                                         status: account.status == .active ? nil : account.status.rawValue)
        }
    }

    public func getAccount(_ request: AuthTypes.DIDRequest) async throws(IPCError) -> AuthTypes.AccountInfo {
        try await serve {
            guard let a = try await store.account(identifier: request.did) else { throw AuthError.accountNotFound }
            return AuthTypes.AccountInfo(did: a.did, handle: a.handle, email: a.email, emailConfirmed: a.emailConfirmed,
                                         active: a.status == .active, status: a.status == .active ? nil : a.status.rawValue,
                                         didDocJSON: request.includeDidDoc == true ? try? await plc.document(did: a.did) : nil)
        }
    }

    public func resolveHandle(_ request: AuthTypes.ResolveHandleRequest) async throws(IPCError) -> AuthTypes.ResolveHandleResponse {
        try await serve {
            let handle = request.handle.lowercased()
            if let a = try await store.account(identifier: handle) {
                guard a.status != .deleted else { throw AuthError.invalidRequest("Unable to resolve handle") }
                return AuthTypes.ResolveHandleResponse(did: a.did)
            }
            // Not hosted here. Names under our own handle domains would be, so they are not looked up.
            guard request.remote == true, !lifecycle.handles.domains.contains(where: { handle.hasSuffix($0) }),
                  let did = await resolver.resolve(handle) else { throw AuthError.invalidRequest("Unable to resolve handle") }
            return AuthTypes.ResolveHandleResponse(did: did)
        }
    }

    public func createAppPassword(_ request: AuthTypes.CreateAppPasswordRequest) async throws(IPCError) -> AuthTypes.AppPassword {
        try await serve {
            let name = request.name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 64 else { throw AuthError.invalidRequest("App password name must be 1 to 64 characters") }
            let password = try await sessions.createAppPassword(did: request.did, name: name, privileged: request.privileged)
            return AuthTypes.AppPassword(name: name, password: password, createdAt: AuthStore.now(), privileged: request.privileged)
        }
    }

    public func listAppPasswords(_ request: AuthTypes.DIDRequest) async throws(IPCError) -> AuthTypes.AppPasswordList {
        try await serve {
            AuthTypes.AppPasswordList(passwords: try await store.appPasswords(did: request.did).map {
                AuthTypes.AppPassword(name: $0.name, password: nil, createdAt: $0.createdAt, privileged: $0.privileged)
            })
        }
    }

    public func revokeAppPassword(_ request: AuthTypes.RevokeAppPasswordRequest) async throws(IPCError) -> Empty {
        try await serve {
            try await store.revokeAppPassword(did: request.did, name: request.name)
            return Empty()
        }
    }

    public func setAccountStatus(_ request: AuthTypes.SetStatusRequest) async throws(IPCError) -> Empty {
        try await serve {
            guard let status = Account.Status(rawValue: request.status), status != .deleted else {
                throw AuthError.invalidRequest("unknown account status \(request.status)")
            }
            try await lifecycle.setStatus(did: request.did, status)
            return Empty()
        }
    }

    public func updateHandle(_ request: AuthTypes.UpdateHandleRequest) async throws(IPCError) -> Empty {
        try await serve {
            try await lifecycle.updateHandle(did: request.did, to: request.handle)
            return Empty()
        }
    }

    public func emailFlow(_ request: AuthTypes.EmailFlowRequest) async throws(IPCError) -> AuthTypes.EmailFlowResponse {
        try await serve { try await emails.run(request) }
    }

    public func createInviteCodes(_ request: AuthTypes.CreateInviteCodesRequest) async throws(IPCError) -> AuthTypes.InviteCodes {
        try await serve {
            guard (1...1000).contains(request.codeCount), request.useCount >= 1 else { throw AuthError.invalidRequest("bad code or use count") }
            return AuthTypes.InviteCodes(codes: try await store.createInviteCodes(count: request.codeCount, uses: request.useCount,
                                                                                 forAccount: request.forAccount, createdBy: "admin"))
        }
    }
}

/// Starts the AuthService process's sockets.
public enum AuthServiceProcess {
    /// Binds the service's endpoint from `config` and serves its methods until stopped.
    public static func start(config: PDSConfig) async throws(IPCError) -> ServiceHost {
        let implementation: AuthServiceImplementation
        do {
            let store = try AuthStore(path: config.dataDirectory + "/auth.sqlite",
                                      options: SQLiteOptions(disableWALAutoCheckpoint: config.sqliteDisableWALAutoCheckpoint))
            let sessions = Sessions(store: store, tokens: await SessionTokens(secret: config.secrets.jwtSecret, serviceDID: config.serviceDID))
            let rotationKey = try K256PrivateKey(rawRepresentation: hexBytes(config.secrets.plcRotationKeyHex))
            let repo = RepoServiceClient(caller: try await RPCClient(endpoint: config.ipc.repo, defaultTimeout: config.ipcTimeout))
            let firehose = FirehoseServiceClient(caller: try await RPCClient(endpoint: config.ipc.firehose, defaultTimeout: config.ipcTimeout))
            let plc = PLCClient(directory: config.didPLCURL)
            let creation = AccountCreation(store: store, sessions: sessions, handles: HandleRules(domains: config.serviceHandleDomains),
                                           plc: plc, repo: repo, firehose: firehose, rotationKey: rotationKey,
                                           pdsEndpoint: config.publicURL.absoluteString, inviteRequired: config.inviteRequired)
            var lifecycle = AccountLifecycle(store: store, handles: HandleRules(domains: config.serviceHandleDomains), plc: plc,
                                             firehose: firehose, rotationKey: rotationKey)
            lifecycle.repoReset = RepoResetClient(caller: repo.caller)
            let mailer = try Self.mailer(config)
            let emails = EmailFlows(store: store, mailer: mailer, lifecycle: lifecycle, repo: repo)
            let handleResolver = HandleResolver(allowPrivateAddresses: config.devMode)
            let documents = DIDDocuments(plc: plc, devMode: config.devMode)
            let migration = AccountMigration(store: store, sessions: sessions, handles: HandleRules(domains: config.serviceHandleDomains),
                                             repo: repo, documents: documents, handleResolver: handleResolver,
                                             serviceDID: config.serviceDID, inviteRequired: config.inviteRequired)
            let plcOperations = PLCOperations(store: store, emails: emails, lifecycle: lifecycle, plc: plc, documents: documents, repo: repo,
                                              rotationKey: rotationKey, pdsEndpoint: config.publicURL.absoluteString)
            let issuer = config.publicURL.absoluteString.hasSuffix("/") ? String(config.publicURL.absoluteString.dropLast()) : config.publicURL.absoluteString
            let authorizationServer = AuthorizationServer(issuer: issuer, serviceDID: config.serviceDID, store: store,
                                                          secret: config.secrets.jwtSecret,
                                                          fetcher: ClientMetadataFetcher(allowPrivateAddresses: config.devMode))
            let oauth = AuthorizationFlow(server: authorizationServer, secret: config.secrets.jwtSecret)
            implementation = AuthServiceImplementation(sessions: sessions, creation: creation, lifecycle: lifecycle, emails: emails, plc: plc,
                                                       migration: migration, plcOperations: plcOperations, oauth: oauth,
                                                       resolver: handleResolver)
        } catch let e as IPCError {
            throw e
        } catch {
            throw IPCError.remote(name: "InternalServerError", message: "AuthService cannot start: \(error)")
        }
        // Creations a crash left unfinished are undone in the background: the other services
        // may still be starting, and a creation that cannot be undone yet waits for its handle's next try.
        let creation = implementation.creation
        Task {
            try? await Task.sleep(for: .seconds(2))
            await creation.recoverPending()
        }
        var handlers = implementation.rpcHandlers()
        implementation.registerSnapshot(into: &handlers)
        return try await ServiceHost.serve(.auth, at: config.ipc.auth, handlers: handlers)
    }

    /// SMTP when `PDS_EMAIL_SMTP_URL` is set, else the mailbox file. A whole SMTP send gets
    /// four fifths of the IPC timeout, so the gateway hears the SMTP error, not its own timeout.
    static func mailer(_ config: PDSConfig) throws -> any Mailer {
        guard let smtp = config.emailSMTPURL, !smtp.isEmpty else {
            return MailboxFile(url: URL(fileURLWithPath: config.dataDirectory).appendingPathComponent("mailbox.jsonl"))
        }
        let total = config.ipcTimeout * 4 / 5
        return try SMTPMailer(url: try SMTPURL(parsing: smtp), from: config.emailFromAddress ?? "noreply@\(config.hostname)",
                              clientName: config.hostname, caFile: config.emailSMTPCAFile,
                              stepTimeout: min(.seconds(10), total), totalTimeout: total)
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        let chars = Array(hex.utf8)
        return stride(from: 0, to: chars.count - 1, by: 2).compactMap { UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16) }
    }
}
