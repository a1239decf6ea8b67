import Config
import Foundation
import Hummingbird
import NIOCore

/// `/.well-known/oauth-protected-resource` and `/.well-known/oauth-authorization-server`: the
/// PDS is its own resource server and authorization server, as the atproto OAuth profile has it.
enum OAuthMetadata {
    /// Scopes this server grants: the fixed ones and the granular permission families.
    static let scopesSupported = ["atproto", "transition:generic", "transition:chat.bsky", "transition:email",
                                  "repo:*", "blob:*/*", "rpc:*", "account:email", "account:repo", "account:status",
                                  "identity:handle", "identity:*"]

    static func issuer(_ config: PDSConfig) -> String {
        let url = config.publicURL.absoluteString
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    static func authorizationServer(issuer: String) -> [String: Any] {
        [
            "issuer": issuer,
            "pushed_authorization_request_endpoint": issuer + "/oauth/par",
            "require_pushed_authorization_requests": true,
            "authorization_endpoint": issuer + "/oauth/authorize",
            "token_endpoint": issuer + "/oauth/token",
            "revocation_endpoint": issuer + "/oauth/revoke",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["ES256"],
            "dpop_signing_alg_values_supported": ["ES256"],
            "scopes_supported": scopesSupported,
            "subject_types_supported": ["public"],
            "authorization_response_iss_parameter_supported": true,
            "client_id_metadata_document_supported": true,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": true,
            "require_request_uri_registration": true,
            "prompt_values_supported": ["login", "consent"],
            "ui_locales_supported": ["en-US"],
            "display_values_supported": ["page"],
            "protected_resources": [issuer],
        ]
    }

    static func protectedResource(issuer: String) -> [String: Any] {
        ["resource": issuer, "authorization_servers": [issuer], "scopes_supported": [String](),
         "bearer_methods_supported": ["header"], "resource_documentation": "https://atproto.com"]
    }

    static func register<Context: RequestContext>(on router: Router<Context>, config: PDSConfig) {
        let issuer = issuer(config)
        let server = json(authorizationServer(issuer: issuer))
        let resource = json(protectedResource(issuer: issuer))
        router.get("/.well-known/oauth-authorization-server") { _, _ in response(server) }
        router.get("/.well-known/oauth-protected-resource") { _, _ in response(resource) }
    }

    static func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }

    static func response(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=300"],
                 body: .init(byteBuffer: body))
    }
}
