import Foundation
import HTTPTypes
import IPC
import JOSE
import Synchronization
import Syntax

/// The parts of a request authentication looks at: headers, and for DPoP the method and path
/// the proof signs.
public struct AuthenticatedRequest: Sendable {
    public let headers: HTTPFields
    public let method: String
    public let path: String
    /// The request's authority (HTTP/1.1 Host).
    public let host: String?
    public init(headers: HTTPFields, method: String, path: String, host: String?) {
        self.headers = headers; self.method = method; self.path = path; self.host = host
    }
}

/// Checks the credentials on a request by asking AuthService. Legacy bearer tokens are
/// remembered for a few seconds (the design allows a short cache) so a burst of calls costs one
/// IPC round trip. DPoP-bound tokens are remembered as long, and their proofs then checked here;
/// proofs are single-use, so each is still entered in AuthService's jti cache, which all
/// gateways share.
public final class Authenticator: Sendable {
    let auth: any AuthServiceAPI
    let adminPassword: String
    /// The PDS's public origin (`https://pds.example.com`), one form of a proof's `htu`.
    let publicOrigin: String
    private let cache = Mutex<[String: (credentials: AuthTypes.Credentials, until: ContinuousClock.Instant)]>([:])
    private let dpopGrants = DPoPAccessCache()
    private let dpopProofs: DPoPProofRegistry
    static let cacheLifetime: Duration = .seconds(5)
    static let dpopHeader = HTTPField.Name("DPoP")!

    public init(auth: any AuthServiceAPI, adminPassword: String, publicOrigin: String = "") {
        self.auth = auth
        dpopProofs = DPoPProofRegistry(auth: auth)
        self.adminPassword = adminPassword
        self.publicOrigin = publicOrigin.hasSuffix("/") ? String(publicOrigin.dropLast()) : publicOrigin
    }

    /// The bearer token of a request, or `AuthenticationRequired`.
    static func bearer(_ headers: HTTPFields) throws(XRPCError) -> String {
        guard let value = headers[.authorization], let token = credential(value, scheme: "bearer"), !token.isEmpty else {
            throw XRPCError(.unauthorized, "AuthenticationRequired", "Authentication Required")
        }
        return token
    }

    /// The credential after an `Authorization` scheme (matched without regard to case), spaces
    /// and tabs trimmed; nil for another scheme. Byte-wise: it runs on every call, and
    /// Foundation's `lowercased`/`trimmingCharacters` copy a token of a kilobyte through UTF-16.
    static func credential(_ value: String, scheme: String) -> String? {
        let bytes = value.utf8, prefix = scheme.utf8
        guard bytes.count > prefix.count else { return nil }
        var i = bytes.startIndex
        for expected in prefix {
            guard bytes[i] | 0x20 == expected else { return nil }
            i = bytes.index(after: i)
        }
        guard bytes[i] == UInt8(ascii: " ") else { return nil }
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let rest = bytes[i...].drop(while: isBlank)
        var end = rest.endIndex
        while end > rest.startIndex, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return String(Substring(rest[rest.startIndex..<end]))
    }

    /// Who the request's token speaks for: a legacy session (Bearer) or an OAuth grant (DPoP).
    public func account(_ request: AuthenticatedRequest) async throws(XRPCError) -> AuthTypes.Credentials {
        if let value = request.headers[.authorization], let token = Self.credential(value, scheme: "dpop") {
            return try await dpopAccount(token: token, request)
        }
        let token = try Self.bearer(request.headers)
        let now = ContinuousClock.now
        if let hit = cache.withLock({ $0[token] }), hit.until > now { return hit.credentials }
        let credentials: AuthTypes.Credentials
        do { credentials = try await auth.verifyAccess(.init(token: token)) } catch { throw XRPCError(any: error) }
        cache.withLock {
            if $0.count > 10_000 { $0.removeAll() }
            $0[token] = (credentials, now + Self.cacheLifetime)
        }
        return credentials
    }

    public func account(_ request: XRPCRequest) async throws(XRPCError) -> AuthTypes.Credentials { try await account(request.authenticated) }

    /// RFC 9449 §7: the token and a proof for this very request; failures answer 401 with
    /// `WWW-Authenticate: DPoP error=...` and a fresh nonce. A token AuthService accepted a
    /// moment ago has its proofs checked here, with only the replay check sent on (batched);
    /// anything else, and any proof that fails here, is AuthService's to judge.
    func dpopAccount(token: String, _ request: AuthenticatedRequest) async throws(XRPCError) -> AuthTypes.Credentials {
        var urls: [String] = []
        if !publicOrigin.isEmpty { urls.append(publicOrigin + request.path) }
        if let host = request.headers[HTTPField.Name("X-Forwarded-Host")!] ?? request.host {
            urls += ["https://\(host)\(request.path)", "http://\(host)\(request.path)"]
        }
        let proof = request.headers[Self.dpopHeader]
        var registered = false
        if let grant = dpopGrants.grant(token),
           let checked = try? DPoPProofCheck.verify(proof, method: request.method, urls: urls, accessToken: token,
                                                    nonceIsValid: { dpopGrants.knows(nonce: $0) }),
           checked.jkt == grant.jkt {
            let verdict: (fresh: Bool, epoch: Int)
            do { verdict = try await dpopProofs.register(.init(key: checked.replayKey, expiresAt: checked.replayExpiresAt)) } catch {
                throw XRPCError(any: error)
            }
            guard verdict.fresh else { try Self.refuse("invalid_dpop_proof", "DPoP proof replayed", nonce: dpopGrants.currentNonce ?? "") }
            if verdict.epoch == grant.epoch { return grant.credentials }
            // Something was revoked since: the session may be gone. AuthService checks again.
            dpopGrants.forget(before: verdict.epoch)
            registered = true
        }
        let answer: OAuthTypes.AccessResponse
        do {
            answer = try await auth.verifyOAuthAccess(.init(token: token, proof: proof, method: request.method, urls: urls,
                                                            proofRegistered: registered))
        } catch { throw XRPCError(any: error) }
        dpopGrants.remember(token, answer)
        guard let credentials = answer.credentials else {
            let error = answer.error ?? "invalid_token"
            let description = (answer.errorDescription ?? "").replacingOccurrences(of: "\"", with: "'")
            try Self.refuse(error, description, nonce: answer.dpopNonce)
        }
        return credentials
    }

    static func refuse(_ error: String, _ description: String, nonce: String) throws(XRPCError) -> Never {
        let name = error == "use_dpop_nonce" ? "UseDpopNonce" : error == "invalid_dpop_proof" ? "InvalidDpopProof" : "InvalidToken"
        throw XRPCError(.unauthorized, name, description.isEmpty ? error : description, headers: [
            "WWW-Authenticate": "DPoP algs=\"ES256\", error=\"\(error)\", error_description=\"\(description)\"",
            // CORSMiddleware already exposes both headers to browser clients.
            "DPoP-Nonce": nonce,
        ])
    }

    /// Drops a cached token (after the account's status changed).
    public func forget(_ headers: HTTPFields) {
        if let value = headers[.authorization], let token = Self.credential(value, scheme: "dpop") {
            dpopGrants.forget(token)
            return
        }
        guard let token = try? Self.bearer(headers) else { return }
        _ = cache.withLock { $0.removeValue(forKey: token) }
    }

    /// An active account's credentials: what writes require.
    public func activeAccount(_ request: XRPCRequest) async throws(XRPCError) -> AuthTypes.Credentials {
        let credentials = try await account(request)
        switch credentials.status {
        case nil: return credentials
        case "takendown": throw XRPCError(.badRequest, "RepoTakendown", "Repo has been taken down")
        default: throw XRPCError(.badRequest, "RepoDeactivated", "Repo has been deactivated")
        }
    }

    /// An access token of the account itself (not an app password): for password, email and
    /// account changes. An OAuth token passes only when its scopes hold `oauth` (the granular
    /// permission the reference asks for the same call); without one OAuth is refused.
    public func privilegedAccount(_ request: XRPCRequest, oauth permission: Permission? = nil) async throws(XRPCError) -> AuthTypes.Credentials {
        try await privilegedAccount(request.authenticated, nsid: request.nsid.string, oauth: permission)
    }

    public func privilegedAccount(_ request: AuthenticatedRequest, nsid: String, oauth permission: Permission? = nil) async throws(XRPCError) -> AuthTypes.Credentials {
        let credentials = try await account(request)
        if credentials.oauthScope != nil {
            guard let permission else { throw XRPCError(.forbidden, "InsufficientScope", "OAuth tokens cannot call \(nsid)") }
            try require(permission, of: credentials)
            return credentials
        }
        guard credentials.scope == "com.atproto.access" else {
            throw XRPCError(.badRequest, "InvalidToken", "Bad token scope")
        }
        return credentials
    }

    /// Checks HTTP Basic `admin:PDS_ADMIN_PASSWORD`.
    public func admin(_ headers: HTTPFields) throws(XRPCError) {
        guard let value = headers[.authorization], value.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(value.dropFirst(6))),
              let text = String(data: decoded, encoding: .utf8) else {
            throw XRPCError(.unauthorized, "AuthenticationRequired", "Authentication Required")
        }
        let expected = "admin:\(adminPassword)"
        // Constant-time comparison: a mismatch position must not leak through timing.
        let a = Array(text.utf8), b = Array(expected.utf8)
        var diff = a.count ^ b.count
        for i in 0..<min(a.count, b.count) { diff |= Int(a[i] ^ b[i]) }
        guard diff == 0 else { throw XRPCError(.unauthorized, "AuthenticationRequired", "Invalid admin credentials") }
    }
}

import Hummingbird

extension AuthenticatedRequest {
    /// A streaming route's request (blob uploads, repo imports, proxied calls).
    public init(_ request: Request) {
        self.init(headers: request.headers, method: request.method.rawValue, path: request.uri.path, host: request.head.authority)
    }
}
