import JOSE
import Crypto
import Foundation
import IPC
import IPLD
import Synchronization
import Syntax

/// The token side of the atproto OAuth authorization server: pushed authorization requests,
/// code and refresh-token grants, revocation, and the check of DPoP-bound access tokens.
public struct AuthorizationServer: Sendable {
    /// How long a pushed request may wait for the user, and a code for its exchange.
    static let requestLifetime: TimeInterval = 5 * 60
    static let codeLifetime: TimeInterval = 60
    /// Total session lifetimes, as the reference: public clients two weeks, confidential 180 days.
    static let publicSessionLifetime: TimeInterval = 14 * 24 * 3600
    static let confidentialSessionLifetime: TimeInterval = 180 * 24 * 3600
    static let requestURIPrefix = "urn:ietf:params:oauth:request_uri:"

    public let issuer: String
    public let serviceDID: String
    let store: AuthStore
    public let dpop: DPoPVerifier
    let tokens: OAuthAccessTokens
    let fetcher: ClientMetadataFetcher
    let clients: ClientAuthentication
    let checked = CheckedSessions()

    public init(issuer: String, serviceDID: String, store: AuthStore, secret: String, fetcher: ClientMetadataFetcher) {
        self.issuer = issuer
        self.serviceDID = serviceDID
        self.store = store
        let replay = DPoPReplayCache()
        dpop = DPoPVerifier(nonces: DPoPNonces(secret: secret), replay: replay)
        tokens = OAuthAccessTokens(secret: secret)
        self.fetcher = fetcher
        clients = ClientAuthentication(issuer: issuer, fetcher: fetcher, replay: replay)
    }

    /// Answers one endpoint call; every failure becomes the OAuth error JSON.
    public func serve(_ request: OAuthTypes.EndpointRequest) async -> OAuthTypes.EndpointResponse {
        let nonce = dpop.nonces.current()
        do {
            let (status, body): (Int, [String: Any])
            switch request.endpoint {
            case .par: (status, body) = try await par(request)
            case .token: (status, body) = try await token(request)
            case .revoke: (status, body) = try await revoke(request)
            }
            let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
            return .init(status: status, json: String(decoding: data, as: UTF8.self), dpopNonce: nonce)
        } catch {
            return .init(status: error.status, json: error.json, dpopNonce: nonce)
        }
    }

    // MARK: PAR

    func par(_ r: OAuthTypes.EndpointRequest) async throws(OAuthError) -> (Int, [String: Any]) {
        let form = r.form
        let proof = try dpop.verify(r.dpop, method: "POST", urls: [r.url])
        guard let clientID = form["client_id"], !clientID.isEmpty else { throw .invalidRequest("client_id required") }
        let metadata = try await fetcher.metadata(clientID)
        let clientAuth = try await clients.authenticate(form, metadata: metadata)
        guard form["request"] == nil else { throw .invalidRequest("request objects are not supported") }
        guard form["response_type"] == "code" else { throw .init("unsupported_response_type", "response_type must be code") }
        guard let challenge = form["code_challenge"], (43...128).contains(challenge.count) else {
            throw .invalidRequest("PKCE code_challenge required")
        }
        guard form["code_challenge_method"] == "S256" else { throw .invalidRequest("code_challenge_method must be S256") }
        guard let state = form["state"], !state.isEmpty else { throw .invalidRequest("state required") }
        guard let redirect = form["redirect_uri"] else { throw .invalidRequest("redirect_uri required") }
        guard metadata.allowsRedirect(redirect) else { throw .invalidRequest("redirect_uri is not registered for this client") }
        let scope = (form["scope"] ?? metadata.scope ?? "").split(separator: " ").map(String.init).joined(separator: " ")
        try Self.checkScope(scope, declared: metadata.scope ?? "atproto")
        if let mode = form["response_mode"], mode != "query", mode != "fragment" {
            throw .invalidRequest("response_mode must be query or fragment")
        }
        let hint = form["login_hint"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        if let hint, !(hint.hasPrefix("did:") || Handle.isValid(hint.hasPrefix("@") ? String(hint.dropFirst()) : hint)) {
            throw .invalidRequest("login_hint must be a handle or a DID")
        }
        let parameters = AuthorizationParameters(redirectURI: redirect, scope: scope, state: state, codeChallenge: challenge,
                                                 loginHint: hint.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 },
                                                 responseMode: form["response_mode"], prompt: form["prompt"])
        let id = OAuthRandom.token("req-")
        let record = OAuthRequestRecord(id: id, clientID: clientID, clientAuth: clientAuth, parameters: parameters,
                                        dpopJkt: proof.jkt, expiresAt: Date().timeIntervalSince1970 + Self.requestLifetime)
        do { try await store.insertOAuthRequest(record) } catch { throw .init("server_error", "cannot store the request", status: 500) }
        return (201, ["request_uri": Self.requestURIPrefix + id, "expires_in": Int(Self.requestLifetime)])
    }

    /// `atproto` must be there, every scope must be one this server understands and one the
    /// client declared.
    static func checkScope(_ scope: String, declared: String) throws(OAuthError) {
        let tokens = scope.split(separator: " ").map(String.init)
        guard tokens.contains("atproto") else { throw .invalidScope("scope must include atproto") }
        for t in tokens {
            if case .unknown = OAuthScope(t) { throw .invalidScope("unknown scope \(t)") }
        }
        guard ScopePermissions.isSubset(scope, of: declared) else {
            throw .invalidScope("scope asks for more than the client metadata declares")
        }
    }

    // MARK: Token

    func token(_ r: OAuthTypes.EndpointRequest) async throws(OAuthError) -> (Int, [String: Any]) {
        let form = r.form
        let proof = try dpop.verify(r.dpop, method: "POST", urls: [r.url])
        guard let clientID = form["client_id"], !clientID.isEmpty else { throw .invalidRequest("client_id required") }
        let metadata = try await fetcher.metadata(clientID)
        let clientAuth = try await clients.authenticate(form, metadata: metadata)
        let now = Date().timeIntervalSince1970
        switch form["grant_type"] {
        case "authorization_code":
            guard let code = form["code"], !code.isEmpty else { throw .invalidRequest("code required") }
            let sessionID = OAuthRandom.token("ses-")
            let redeemed: (request: OAuthRequestRecord?, reusedSession: String?)
            do { redeemed = try await store.redeemOAuthCode(digest: OAuthRandom.digest(code), sessionID: sessionID) } catch {
                throw .init("server_error", "cannot redeem the code", status: 500)
            }
            guard let request = redeemed.request else { throw .invalidGrant("invalid code") }
            if redeemed.reusedSession != nil { throw .invalidGrant("code already used: the session it made is revoked") }
            guard let expires = request.codeExpiresAt, expires > now else { throw .invalidGrant("code expired") }
            guard request.clientID == clientID, request.clientAuth == clientAuth else { throw .invalidGrant("code was issued to another client") }
            guard form["redirect_uri"] == request.parameters.redirectURI else { throw .invalidGrant("redirect_uri does not match the request") }
            guard let verifier = form["code_verifier"], (43...128).contains(verifier.count),
                  Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8)))) == request.parameters.codeChallenge else {
                throw .invalidGrant("code_verifier does not match the code_challenge")
            }
            guard proof.jkt == request.dpopJkt else { throw .invalidGrant("DPoP key differs from the one of the authorization request") }
            guard let did = request.did else { throw .invalidGrant("invalid code") }
            let session = OAuthSessionRecord(id: sessionID, did: did, clientID: clientID, clientAuth: clientAuth,
                                             scope: request.parameters.scope, dpopJkt: proof.jkt, createdAt: now, lastUsedAt: now,
                                             expiresAt: now + (metadata.isConfidential ? Self.confidentialSessionLifetime : Self.publicSessionLifetime))
            let refresh = OAuthRandom.token("ref-")
            do { try await store.insertOAuthSession(session, refreshDigest: OAuthRandom.digest(refresh)) } catch {
                throw .init("server_error", "cannot store the session", status: 500)
            }
            return (200, try answer(session, refresh: refresh, now: now))
        case "refresh_token":
            guard let refresh = form["refresh_token"], !refresh.isEmpty else { throw .invalidRequest("refresh_token required") }
            let next = OAuthRandom.token("ref-")
            let outcome: AuthStore.RefreshOutcome
            do { outcome = try await store.rotateOAuthRefresh(digest: OAuthRandom.digest(refresh), newDigest: OAuthRandom.digest(next), now: now) } catch {
                throw .init("server_error", "cannot rotate the refresh token", status: 500)
            }
            switch outcome {
            case .unknown: throw .invalidGrant("invalid refresh token")
            case .reused: throw .invalidGrant("refresh token already used: the session is revoked")
            case .current(let session):
                // A failed check ends the session: the token has been spent and a thief must not retry.
                do {
                    guard session.clientID == clientID, session.clientAuth == clientAuth else { throw OAuthError.invalidGrant("refresh token was issued to another client") }
                    guard session.dpopJkt == proof.jkt else { throw OAuthError.invalidGrant("DPoP key differs from the session's") }
                    guard session.expiresAt > now else { throw OAuthError.invalidGrant("session expired") }
                } catch {
                    try? await store.revokeOAuthSession(refreshDigest: nil, id: session.id)
                    throw error as? OAuthError ?? .invalidGrant("invalid refresh token")
                }
                return (200, try answer(session, refresh: next, now: now))
            }
        default:
            throw .unsupportedGrantType("grant_type must be authorization_code or refresh_token")
        }
    }

    func answer(_ session: OAuthSessionRecord, refresh: String, now: Double) throws(OAuthError) -> [String: Any] {
        let expires = min(now + OAuthAccessTokens.lifetime, session.expiresAt)
        let claims = OAuthAccessClaims(iss: issuer, aud: serviceDID, sub: session.did, iat: Int(now), exp: Int(expires),
                                       jti: session.id, scope: session.scope, clientID: session.clientID,
                                       cnf: .init(jkt: session.dpopJkt))
        guard let access = try? tokens.sign(claims) else { throw .init("server_error", "cannot sign the token", status: 500) }
        return ["access_token": access, "token_type": "DPoP", "expires_in": Int(expires - now), "refresh_token": refresh,
                "scope": session.scope, "sub": session.did]
    }

    // MARK: Revoke

    func revoke(_ r: OAuthTypes.EndpointRequest) async throws(OAuthError) -> (Int, [String: Any]) {
        guard let token = r.form["token"], !token.isEmpty else { throw .invalidRequest("token required") }
        do {
            if OAuthAccessTokens.isOAuthToken(token) {
                if let claims = tokens.verify(token) { try await store.revokeOAuthSession(refreshDigest: nil, id: claims.jti) }
            } else {
                try await store.revokeOAuthSession(refreshDigest: OAuthRandom.digest(token), id: nil)
            }
        } catch { throw .init("server_error", "cannot revoke", status: 500) }
        // RFC 7009: an unknown token is not an error.
        return (200, [:])
    }

    // MARK: Resource access

    /// Checks a DPoP-bound access token and its proof for one XRPC call.
    public func verifyAccess(_ r: OAuthTypes.AccessRequest) async -> OAuthTypes.AccessResponse {
        let nonce = dpop.nonces.current()
        func refuse(_ error: String, _ description: String) -> OAuthTypes.AccessResponse {
            .init(credentials: nil, error: error, errorDescription: description, dpopNonce: nonce)
        }
        guard let claims = checked.claims(r.token, tokens) else { return refuse("invalid_token", "access token is not valid") }
        let now = Date().timeIntervalSince1970
        guard Double(claims.exp) > now else { return refuse("invalid_token", "access token expired") }
        let proof: CheckedDPoPProof
        do { proof = try dpop.verify(r.proof, method: r.method, urls: r.urls, accessToken: r.token, checkReplay: !r.proofRegistered) } catch {
            return refuse(error.error, error.errorDescription)
        }
        guard proof.jkt == claims.cnf.jkt else { return refuse("invalid_dpop_proof", "DPoP key does not match the token") }
        // The session and account as last read, unless a revoking write happened since.
        let epoch = store.oauthEpoch.load(ordering: .sequentiallyConsistent)
        var entry = checked.session(claims.jti, epoch: epoch)
        if entry == nil {
            guard let session = try? await store.oauthSession(id: claims.jti),
                  let account = try? await store.account(identifier: claims.sub) else { return refuse("invalid_token", "session revoked") }
            entry = CheckedSessions.Entry(session: session, status: account.status, epoch: epoch)
            checked.remember(entry!)
        }
        guard let entry, entry.session.expiresAt > now, entry.session.did == claims.sub, entry.status != .deleted else {
            return refuse("invalid_token", "session revoked")
        }
        if entry.status == .takendown { return refuse("invalid_token", "account has been taken down") }
        let session = entry.session
        if now - session.lastUsedAt > 60 {
            try? await store.touchOAuthSession(id: session.id, now: now)
            checked.touched(session.id, at: now)
        }
        let credentials = AuthTypes.Credentials(did: claims.sub, scope: "com.atproto.oauth",
                                                status: entry.status == .active ? nil : entry.status.rawValue,
                                                oauthScope: session.scope, clientID: session.clientID)
        return .init(credentials: credentials, error: nil, errorDescription: nil, dpopNonce: nonce,
                     jkt: claims.cnf.jkt, expiresAt: Double(claims.exp), epoch: epoch)
    }

    /// Records proofs a gateway checked itself; the ones seen before come back false.
    public func register(_ r: OAuthTypes.ProofUses) -> OAuthTypes.ProofUsesResponse {
        let now = Date().timeIntervalSince1970
        let epoch = store.oauthEpoch.load(ordering: .sequentiallyConsistent)
        return .init(fresh: r.uses.map { dpop.replay.insert($0.key, expiresAt: min($0.expiresAt, now + 600), now: now) },
                     epoch: epoch)
    }
}

/// What DPoP checks looked up: verified token claims, and sessions with their account's status
/// as of a store epoch (any revoking write bumps it, so an entry is never used past one).
final class CheckedSessions: Sendable {
    struct Entry: Sendable {
        var session: OAuthSessionRecord
        var status: Account.Status
        var epoch: Int
    }
    private let sessions = Mutex<[String: Entry]>([:])
    private let verified = Mutex<[String: OAuthAccessClaims]>([:])

    func claims(_ token: String, _ tokens: OAuthAccessTokens) -> OAuthAccessClaims? {
        if let hit = verified.withLock({ $0[token] }) { return hit }
        guard let claims = tokens.verify(token) else { return nil }
        verified.withLock {
            if $0.count > 10_000 { $0.removeAll() }
            $0[token] = claims
        }
        return claims
    }

    func session(_ id: String, epoch: Int) -> Entry? {
        sessions.withLock { $0[id].flatMap { $0.epoch == epoch ? $0 : nil } }
    }

    func remember(_ entry: Entry) {
        sessions.withLock {
            if $0.count > 10_000 { $0.removeAll() }
            $0[entry.session.id] = entry
        }
    }

    func touched(_ id: String, at time: Double) {
        sessions.withLock { $0[id]?.session.lastUsedAt = time }
    }
}
