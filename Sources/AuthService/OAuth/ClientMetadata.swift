import JOSE
import Foundation
import Syntax

/// An OAuth client's metadata document (the client-ID-metadata-document draft as the atproto
/// profile uses it), and the rules a client must meet to sign anyone in.
public struct ClientMetadata: Codable, Sendable, Equatable {
    public var clientID: String
    public var clientName: String?
    public var clientURI: String?
    public var logoURI: String?
    public var tosURI: String?
    public var policyURI: String?
    public var redirectURIs: [String]
    public var grantTypes: [String]?
    public var responseTypes: [String]?
    public var scope: String?
    public var tokenEndpointAuthMethod: String?
    public var tokenEndpointAuthSigningAlg: String?
    public var applicationType: String?
    public var dpopBoundAccessTokens: Bool?
    public var jwks: JWKSet?
    public var jwksURI: String?

    public init(clientID: String, clientName: String? = nil, clientURI: String? = nil, logoURI: String? = nil, tosURI: String? = nil,
                policyURI: String? = nil, redirectURIs: [String], grantTypes: [String]? = nil, responseTypes: [String]? = nil,
                scope: String? = nil, tokenEndpointAuthMethod: String? = nil, tokenEndpointAuthSigningAlg: String? = nil,
                applicationType: String? = nil, dpopBoundAccessTokens: Bool? = nil, jwks: JWKSet? = nil, jwksURI: String? = nil) {
        self.clientID = clientID; self.clientName = clientName; self.clientURI = clientURI; self.logoURI = logoURI
        self.tosURI = tosURI; self.policyURI = policyURI; self.redirectURIs = redirectURIs; self.grantTypes = grantTypes
        self.responseTypes = responseTypes; self.scope = scope; self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.tokenEndpointAuthSigningAlg = tokenEndpointAuthSigningAlg; self.applicationType = applicationType
        self.dpopBoundAccessTokens = dpopBoundAccessTokens; self.jwks = jwks; self.jwksURI = jwksURI
    }

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id", clientName = "client_name", clientURI = "client_uri", logoURI = "logo_uri"
        case tosURI = "tos_uri", policyURI = "policy_uri", redirectURIs = "redirect_uris", grantTypes = "grant_types"
        case responseTypes = "response_types", scope, tokenEndpointAuthMethod = "token_endpoint_auth_method"
        case tokenEndpointAuthSigningAlg = "token_endpoint_auth_signing_alg", applicationType = "application_type"
        case dpopBoundAccessTokens = "dpop_bound_access_tokens", jwks, jwksURI = "jwks_uri"
    }

    /// A JWK set (`{"keys": [...]}`).
    public struct JWKSet: Codable, Sendable, Equatable {
        public var keys: [JWK]
    }

    /// `none` (public) or `private_key_jwt` (confidential).
    public var authMethod: String { tokenEndpointAuthMethod ?? "none" }
    public var isConfidential: Bool { authMethod == "private_key_jwt" }

    /// The loopback development client of the atproto profile: `http://localhost` with the
    /// redirect URIs and scope in its query, public, native, DPoP-bound.
    public static func loopback(_ clientID: String) throws(OAuthError) -> ClientMetadata {
        guard let c = URLComponents(string: clientID), c.scheme == "http", c.host == "localhost", c.port == nil,
              c.path.isEmpty || c.path == "/", c.fragment == nil else {
            throw .invalidClientMetadata("a loopback client_id must be http://localhost with no port or path")
        }
        // The query is form-encoded (URLSearchParams, as the reference reads it): `+` is a space.
        let items = (c.percentEncodedQueryItems ?? []).map {
            URLQueryItem(name: $0.name, value: $0.value.map { $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? $0 })
        }
        var redirects = items.filter { $0.name == "redirect_uri" }.compactMap(\.value)
        if redirects.isEmpty { redirects = ["http://127.0.0.1/", "http://[::1]/"] }
        for r in redirects {
            guard let u = URLComponents(string: r), u.scheme == "http", u.host == "127.0.0.1" || u.host == "[::1]" || u.host == "::1" else {
                throw .invalidClientMetadata("a loopback client redirects to http://127.0.0.1 or http://[::1] only")
            }
        }
        let scope = items.first { $0.name == "scope" }?.value ?? "atproto"
        return ClientMetadata(clientID: clientID, clientName: nil, clientURI: nil, logoURI: nil, tosURI: nil, policyURI: nil,
                              redirectURIs: redirects, grantTypes: ["authorization_code", "refresh_token"], responseTypes: ["code"],
                              scope: scope, tokenEndpointAuthMethod: "none", tokenEndpointAuthSigningAlg: nil,
                              applicationType: "native", dpopBoundAccessTokens: true, jwks: nil, jwksURI: nil)
    }

    public static func isLoopbackClientID(_ clientID: String) -> Bool {
        clientID == "http://localhost" || clientID.hasPrefix("http://localhost?") || clientID.hasPrefix("http://localhost/")
    }

    /// The profile's rules for a fetched document.
    public func validate(fetchedFrom url: String) throws(OAuthError) {
        guard clientID == url else { throw .invalidClientMetadata("client_id in the document must equal the URL it was fetched from") }
        guard !redirectURIs.isEmpty else { throw .invalidClientMetadata("redirect_uris must not be empty") }
        guard dpopBoundAccessTokens == true else { throw .invalidClientMetadata("dpop_bound_access_tokens must be true") }
        guard (grantTypes ?? ["authorization_code"]).contains("authorization_code") else {
            throw .invalidClientMetadata("grant_types must include authorization_code")
        }
        guard (responseTypes ?? ["code"]).contains("code") else { throw .invalidClientMetadata("response_types must include code") }
        guard let scope, scope.split(separator: " ").contains("atproto") else {
            throw .invalidClientMetadata("scope must include atproto")
        }
        let kind = applicationType ?? "web"
        guard kind == "web" || kind == "native" else { throw .invalidClientMetadata("application_type must be web or native") }
        for r in redirectURIs {
            guard let u = URLComponents(string: r), let scheme = u.scheme, u.fragment == nil else {
                throw .invalidClientMetadata("invalid redirect_uri \(r)")
            }
            let loopback = scheme == "http" && (u.host == "127.0.0.1" || u.host == "[::1]")
            switch (kind, scheme) {
            case (_, "https"): break
            case ("native", "http") where loopback: break
            case ("native", _) where scheme.contains("."): break // private-use scheme (reverse domain)
            default: throw .invalidClientMetadata("redirect_uri \(r) is not allowed for a \(kind) client")
            }
        }
        switch authMethod {
        case "none": break
        case "private_key_jwt":
            guard jwks != nil || jwksURI != nil else { throw .invalidClientMetadata("private_key_jwt needs jwks or jwks_uri") }
            guard tokenEndpointAuthSigningAlg == nil || tokenEndpointAuthSigningAlg == "ES256" else {
                throw .invalidClientMetadata("token_endpoint_auth_signing_alg must be ES256")
            }
        default: throw .invalidClientMetadata("token_endpoint_auth_method must be none or private_key_jwt")
        }
    }

    /// Whether `uri` is one of the registered redirect URIs; a loopback IP redirect may use any
    /// port (RFC 8252 §7.3).
    public func allowsRedirect(_ uri: String) -> Bool {
        if redirectURIs.contains(uri) { return true }
        guard let u = URLComponents(string: uri), u.scheme == "http", u.host == "127.0.0.1" || u.host == "[::1]" else { return false }
        return redirectURIs.contains { registered in
            guard var r = URLComponents(string: registered), r.scheme == "http", r.host == u.host else { return false }
            var v = u
            r.port = nil
            v.port = nil
            if r.path.isEmpty { r.path = "/" }
            if v.path.isEmpty { v.path = "/" }
            return r.path == v.path && r.query == v.query
        }
    }
}
