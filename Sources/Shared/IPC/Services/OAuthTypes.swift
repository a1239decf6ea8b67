/// The IPC types of the OAuth authorization server that AuthService runs for the gateway's
/// `/oauth/*` endpoints, sign-in pages and DPoP-bound XRPC calls.
public enum OAuthTypes {
    /// One call to `/oauth/par`, `/oauth/token` or `/oauth/revoke`, as the gateway received it.
    public struct EndpointRequest: Codable, Sendable {
        public enum Endpoint: String, Codable, Sendable { case par, token, revoke }
        public var endpoint: Endpoint
        /// The decoded `application/x-www-form-urlencoded` body.
        public var form: [String: String]
        /// The `DPoP` header, when sent.
        public var dpop: String?
        /// The endpoint's URL as the client addressed it (the proof's `htu`).
        public var url: String
        public init(endpoint: Endpoint, form: [String: String], dpop: String?, url: String) {
            self.endpoint = endpoint; self.form = form; self.dpop = dpop; self.url = url
        }
    }

    /// The whole HTTP answer of an endpoint call: AuthService decides status and body, so the
    /// OAuth error shapes (`{"error", "error_description"}`) are made in one place.
    public struct EndpointResponse: Codable, Sendable {
        public var status: Int
        public var json: String
        /// The `DPoP-Nonce` to send back.
        public var dpopNonce: String?
        public init(status: Int, json: String, dpopNonce: String?) { self.status = status; self.json = json; self.dpopNonce = dpopNonce }
    }

    /// A DPoP-bound access token on an XRPC call.
    public struct AccessRequest: Codable, Sendable {
        public var token: String
        public var proof: String?
        public var method: String
        /// The request's URL without query (the proof's `htu`); the gateway lists every form
        /// the client may have used (public URL and Host header).
        public var urls: [String]
        /// The gateway already entered this proof in the jti cache (`registerDPoPProofs`) and
        /// asks again only because the revocation epoch moved.
        public var proofRegistered: Bool
        public init(token: String, proof: String?, method: String, urls: [String], proofRegistered: Bool = false) {
            self.token = token; self.proof = proof; self.method = method; self.urls = urls; self.proofRegistered = proofRegistered
        }
    }

    /// Who the token speaks for, or the RFC 6750/9449 error to answer with.
    public struct AccessResponse: Codable, Sendable {
        public var credentials: AuthTypes.Credentials?
        /// `invalid_token`, `invalid_dpop_proof` or `use_dpop_nonce`.
        public var error: String?
        public var errorDescription: String?
        public var dpopNonce: String
        /// On success: the thumbprint of the key the token is bound to, and when it expires (so
        /// a gateway may check that token's next proofs itself for a few seconds).
        public var jkt: String?
        public var expiresAt: Double?
        /// AuthService's revocation epoch when it checked: a grant stays good while it holds.
        public var epoch: Int?
        public init(credentials: AuthTypes.Credentials?, error: String?, errorDescription: String?, dpopNonce: String,
                    jkt: String? = nil, expiresAt: Double? = nil, epoch: Int? = nil) {
            self.credentials = credentials; self.error = error; self.errorDescription = errorDescription; self.dpopNonce = dpopNonce
            self.jkt = jkt; self.expiresAt = expiresAt; self.epoch = epoch
        }
    }

    /// A DPoP proof a gateway checked itself, to be entered in the shared replay cache.
    public struct ProofUse: Codable, Sendable, Equatable {
        /// `<jkt>:<jti>`.
        public var key: String
        /// Until when a replay must be refused.
        public var expiresAt: Double
        public init(key: String, expiresAt: Double) { self.key = key; self.expiresAt = expiresAt }
    }

    /// Proofs to record, in one round trip for all a gateway checked meanwhile.
    public struct ProofUses: Codable, Sendable {
        public var uses: [ProofUse]
        public init(uses: [ProofUse]) { self.uses = uses }
    }

    /// Per proof, in order: true when it was new, false when it had been used already.
    public struct ProofUsesResponse: Codable, Sendable {
        public var fresh: [Bool]
        /// The revocation epoch now: a gateway's grant from another epoch must be checked again.
        public var epoch: Int
        public init(fresh: [Bool], epoch: Int) { self.fresh = fresh; self.epoch = epoch }
    }

    /// A step of the authorization page. The device is the browser (its cookie); every form
    /// post carries the CSRF token the page was rendered with.
    public struct AuthorizeRequest: Codable, Sendable {
        public enum Step: String, Codable, Sendable { case view, signIn, consent }
        public var step: Step
        public var clientID: String
        public var requestURI: String
        /// The `pds-device` cookie's value, if the browser sent one.
        public var device: String?
        public var userAgent: String?
        public var csrf: String?
        public var identifier: String?
        public var password: String?
        public var remember: Bool?
        /// Consent: true for "Allow", false for "Deny".
        public var allow: Bool?
        /// Which of the device's remembered accounts was chosen.
        public var did: String?
        public init(step: Step, clientID: String, requestURI: String, device: String?) {
            self.step = step; self.clientID = clientID; self.requestURI = requestURI; self.device = device
        }
    }

    /// What the page shows next.
    public struct AuthorizeResponse: Codable, Sendable {
        public enum Page: String, Codable, Sendable { case signIn, consent, redirect, error }
        public var page: Page
        /// The cookie value to set (a new or renewed device).
        public var setDevice: String?
        public var csrf: String?
        public var client: ClientDisplay?
        public var loginHint: String?
        /// Sign-in: what went wrong with the last try.
        public var message: String?
        /// Consent: the account signing in.
        public var account: AccountDisplay?
        public var scopes: [String]?
        /// Redirect: where the browser goes (redirect_uri with code, state and iss, or error).
        public var redirect: String?
        public init(page: Page) { self.page = page }
    }

    /// How the pages name a client, from its metadata.
    public struct ClientDisplay: Codable, Sendable {
        public var clientID: String
        public var name: String?
        public var uri: String?
        public var logoURI: String?
        public var policyURI: String?
        public var tosURI: String?
        public init(clientID: String) { self.clientID = clientID }
    }

    /// An account on the consent page.
    public struct AccountDisplay: Codable, Sendable {
        public var did: String
        public var handle: String
        public init(did: String, handle: String) { self.did = did; self.handle = handle }
    }

    /// Operator calls: list or revoke a user's OAuth sessions.
    public struct SessionsRequest: Codable, Sendable {
        public var did: String
        /// Revoke this session (or every one with `*`) instead of listing.
        public var revoke: String?
        public init(did: String, revoke: String? = nil) { self.did = did; self.revoke = revoke }
    }

    /// One OAuth session as operators see it.
    public struct SessionInfo: Codable, Sendable {
        public var id: String
        public var clientID: String
        public var scope: String
        public var createdAt: String
        public var lastUsedAt: String
        public var expiresAt: String
        public init(id: String, clientID: String, scope: String, createdAt: String, lastUsedAt: String, expiresAt: String) {
            self.id = id; self.clientID = clientID; self.scope = scope; self.createdAt = createdAt; self.lastUsedAt = lastUsedAt; self.expiresAt = expiresAt
        }
    }

    /// The answer of a sessions call.
    public struct SessionsResponse: Codable, Sendable {
        public var sessions: [SessionInfo]
        public var revoked: Int
        public init(sessions: [SessionInfo], revoked: Int) { self.sessions = sessions; self.revoked = revoked }
    }
}
