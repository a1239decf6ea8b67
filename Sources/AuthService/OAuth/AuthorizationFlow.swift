import Crypto
import Foundation
import IPC
import IPLD

/// The browser side of the authorization server: the steps behind `/oauth/authorize` (show the
/// request, sign in, consent) and the device sessions that remember sign-ins per browser.
public struct AuthorizationFlow: Sendable {
    /// A sign-in not marked "remember" still counts for this long (the rest of the flow).
    static let unrememberedSignIn: TimeInterval = 15 * 60
    let server: AuthorizationServer
    let store: AuthStore
    private let csrfKey: SymmetricKey

    public init(server: AuthorizationServer, secret: String) {
        self.server = server
        store = server.store
        csrfKey = SymmetricKey(data: HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Array(secret.utf8)),
                                                            info: Array("pdswift oauth csrf".utf8), outputByteCount: 32))
    }

    /// One step; problems the user can fix come back as pages, not errors.
    public func step(_ r: OAuthTypes.AuthorizeRequest) async -> OAuthTypes.AuthorizeResponse {
        do { return try await run(r) } catch let e as OAuthError {
            var page = OAuthTypes.AuthorizeResponse(page: .error)
            page.message = e.errorDescription
            return page
        } catch {
            var page = OAuthTypes.AuthorizeResponse(page: .error)
            page.message = "Something went wrong on the server."
            return page
        }
    }

    struct Context {
        var request: OAuthRequestRecord
        var metadata: ClientMetadata
        var deviceID: String
        var setDevice: String?
        var csrf: String
    }

    func run(_ r: OAuthTypes.AuthorizeRequest) async throws -> OAuthTypes.AuthorizeResponse {
        var ctx = try await context(r)
        let now = Date().timeIntervalSince1970
        switch r.step {
        case .view:
            let accounts = try await store.oauthDeviceAccounts(deviceID: ctx.deviceID, since: now - Self.unrememberedSignIn)
            let hint = ctx.request.parameters.loginHint?.lowercased()
            var chosen: String? = nil
            if let hint {
                // The hint names a DID or a handle; either way it must be signed in here.
                if accounts.contains(hint) { chosen = hint }
                else if let a = try await store.account(identifier: hint), accounts.contains(a.did) { chosen = a.did }
            } else if accounts.count == 1 {
                chosen = accounts[0]
            }
            if ctx.request.parameters.prompt == "login" { chosen = nil }
            guard let did = chosen else { return signInPage(ctx, message: nil) }
            return try await afterSignIn(&ctx, did: did)
        case .signIn:
            try checkCSRF(r, ctx)
            guard let identifier = r.identifier?.trimmingCharacters(in: .whitespaces), !identifier.isEmpty,
                  let password = r.password, !password.isEmpty else { return signInPage(ctx, message: "Enter your handle or email and your password.") }
            let lookup = identifier.hasPrefix("@") ? String(identifier.dropFirst()) : identifier
            guard let account = try await store.account(identifier: lookup), account.status != .deleted,
                  try await PasswordHash.verify(password, stored: account.passwordScrypt) else {
                return signInPage(ctx, message: "Wrong handle, email or password.")
            }
            switch account.status {
            case .takendown: return signInPage(ctx, message: "This account has been taken down.")
            case .deactivated: return signInPage(ctx, message: "This account is deactivated. Activate it before signing in to apps.")
            default: break
            }
            try await store.signInOAuthDevice(deviceID: ctx.deviceID, did: account.did, remember: r.remember ?? false, now: now)
            return try await afterSignIn(&ctx, did: account.did)
        case .consent:
            try checkCSRF(r, ctx)
            let accounts = try await store.oauthDeviceAccounts(deviceID: ctx.deviceID, since: now - Self.unrememberedSignIn)
            guard let did = r.did, accounts.contains(did) else { return signInPage(ctx, message: "Sign in again to continue.") }
            guard r.allow == true else {
                try await store.deleteOAuthRequest(id: ctx.request.id)
                return redirect(ctx, ["error": "access_denied", "error_description": "The user denied the request"])
            }
            let previous = try await store.approvedScope(did: did, clientID: ctx.request.clientID) ?? ""
            let union = Set(previous.split(separator: " ").map(String.init) + ctx.request.parameters.scope.split(separator: " ").map(String.init))
            try await store.approveClient(did: did, clientID: ctx.request.clientID, scope: union.sorted().joined(separator: " "), now: now)
            return try await issueCode(ctx, did: did)
        }
    }

    /// Straight to the client when this account already approved at least these scopes;
    /// otherwise the consent page.
    func afterSignIn(_ ctx: inout Context, did: String) async throws -> OAuthTypes.AuthorizeResponse {
        guard let account = try await store.account(identifier: did) else { return signInPage(ctx, message: nil) }
        let approved = try await store.approvedScope(did: did, clientID: ctx.request.clientID)
        if let approved, ctx.request.parameters.prompt != "consent",
           Set(ctx.request.parameters.scope.split(separator: " ")).isSubset(of: Set(approved.split(separator: " "))) {
            return try await issueCode(ctx, did: did)
        }
        var page = base(ctx, .consent)
        page.account = .init(did: account.did, handle: account.handle)
        page.scopes = ctx.request.parameters.scope.split(separator: " ").map(String.init)
        return page
    }

    func issueCode(_ ctx: Context, did: String) async throws -> OAuthTypes.AuthorizeResponse {
        let code = OAuthRandom.token("cod-")
        try await store.issueOAuthCode(requestID: ctx.request.id, did: did, codeDigest: OAuthRandom.digest(code),
                                       expiresAt: Date().timeIntervalSince1970 + AuthorizationServer.codeLifetime)
        return redirect(ctx, ["code": code])
    }

    /// The redirect URI with the answer, `state` and `iss` (RFC 9207), in the query or fragment.
    func redirect(_ ctx: Context, _ answer: [String: String]) -> OAuthTypes.AuthorizeResponse {
        var items = answer.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        items.append(URLQueryItem(name: "state", value: ctx.request.parameters.state))
        items.append(URLQueryItem(name: "iss", value: server.issuer))
        var encoder = URLComponents()
        encoder.queryItems = items
        // `+` is a space in form encoding: escape it so every client reads the same value.
        let encoded = (encoder.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        let target = ctx.request.parameters.redirectURI
        let separator = ctx.request.parameters.responseMode == "fragment" ? "#" : (target.contains("?") ? "&" : "?")
        var page = base(ctx, .redirect)
        page.redirect = target + separator + encoded
        return page
    }

    func signInPage(_ ctx: Context, message: String?) -> OAuthTypes.AuthorizeResponse {
        var page = base(ctx, .signIn)
        page.loginHint = ctx.request.parameters.loginHint
        page.message = message
        return page
    }

    func base(_ ctx: Context, _ kind: OAuthTypes.AuthorizeResponse.Page) -> OAuthTypes.AuthorizeResponse {
        var page = OAuthTypes.AuthorizeResponse(page: kind)
        page.setDevice = ctx.setDevice
        page.csrf = ctx.csrf
        var client = OAuthTypes.ClientDisplay(clientID: ctx.metadata.clientID)
        client.name = ctx.metadata.clientName
        client.uri = ctx.metadata.clientURI
        client.logoURI = ctx.metadata.logoURI
        client.policyURI = ctx.metadata.policyURI
        client.tosURI = ctx.metadata.tosURI
        page.client = client
        return page
    }

    /// Loads the request, checks it belongs to this client and browser, and names the device
    /// (making one for a browser that has none).
    func context(_ r: OAuthTypes.AuthorizeRequest) async throws -> Context {
        guard r.requestURI.hasPrefix(AuthorizationServer.requestURIPrefix),
              let request = try await store.oauthRequest(id: String(r.requestURI.dropFirst(AuthorizationServer.requestURIPrefix.count))) else {
            throw OAuthError.invalidRequest("This sign-in request is unknown or has expired. Go back to the app and start again.")
        }
        guard request.clientID == r.clientID else { throw OAuthError.invalidRequest("client_id does not match the request") }
        guard request.expiresAt > Date().timeIntervalSince1970, request.codeExpiresAt == nil else {
            throw OAuthError.invalidRequest("This sign-in request has expired or was already used. Go back to the app and start again.")
        }
        var deviceID: String? = nil
        var setDevice: String? = nil
        if let cookie = r.device, let dot = cookie.firstIndex(of: ".") {
            let id = String(cookie[..<dot]), secret = String(cookie[cookie.index(after: dot)...])
            if let digest = try await store.oauthDeviceSecretDigest(id: id), digest == OAuthRandom.digest(secret) { deviceID = id }
        }
        if deviceID == nil {
            // A new browser may only start a request, never continue one begun elsewhere.
            guard r.step == .view else { throw OAuthError.invalidRequest("Your browser session expired. Go back to the app and start again.") }
            let id = OAuthRandom.token("dev-"), secret = OAuthRandom.token("")
            try await store.insertOAuthDevice(id: id, secretDigest: OAuthRandom.digest(secret), userAgent: r.userAgent,
                                              now: Date().timeIntervalSince1970)
            deviceID = id
            setDevice = "\(id).\(secret)"
        }
        guard let deviceID, try await store.bindOAuthRequest(id: request.id, deviceID: deviceID) else {
            throw OAuthError.invalidRequest("This sign-in was started in another browser.")
        }
        let metadata = try await server.fetcher.metadata(request.clientID)
        return Context(request: request, metadata: metadata, deviceID: deviceID, setDevice: setDevice,
                       csrf: csrf(deviceID: deviceID, requestID: request.id))
    }

    func csrf(deviceID: String, requestID: String) -> String {
        Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array("\(deviceID)|\(requestID)".utf8), using: csrfKey)))
    }

    func checkCSRF(_ r: OAuthTypes.AuthorizeRequest, _ ctx: Context) throws {
        guard let token = r.csrf, token == ctx.csrf else {
            throw OAuthError.invalidRequest("The form expired (CSRF check failed). Go back to the app and start again.")
        }
    }
}
