import JOSE
import Foundation

/// How a client proves who it is at the PAR and token endpoints: public clients (`none`) send
/// their `client_id` only; confidential ones (`private_key_jwt`) sign a client assertion with a
/// key from their JWK set. The result is remembered with the request and the session, and every
/// later call must authenticate the same way with the same key.
struct ClientAuthentication: Sendable {
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    let issuer: String
    let fetcher: ClientMetadataFetcher
    let replay: DPoPReplayCache

    /// `none` or `private_key_jwt:<key thumbprint>`.
    func authenticate(_ form: [String: String], metadata: ClientMetadata, now: Date = Date()) async throws(OAuthError) -> String {
        let assertion = form["client_assertion"]
        switch metadata.authMethod {
        case "none":
            guard assertion == nil else { throw .invalidClient("this client is public: it must not send a client assertion") }
            return "none"
        default:
            guard let assertion, form["client_assertion_type"] == Self.assertionType else {
                throw .invalidClient("client authentication (private_key_jwt) required")
            }
            guard let jws = CompactJWS(assertion) else { throw .invalidClient("client assertion must be an ES256 JWT") }
            let header = jws.header
            guard header["alg"] as? String == "ES256" else { throw .invalidClient("client assertion must be an ES256 JWT") }
            let keys = try await fetcher.keys(of: metadata)
            let kid = header["kid"] as? String
            let payload = jws.payload
            let candidates = keys.filter { kid == nil || $0.kid == kid }
            guard let key = candidates.first(where: { (try? $0.p256()).map(jws.verifiesES256(with:)) ?? false }) else {
                throw .invalidClient("client assertion is not signed by a key of the client")
            }
            guard payload["iss"] as? String == metadata.clientID, payload["sub"] as? String == metadata.clientID else {
                throw .invalidClient("client assertion iss and sub must be the client_id")
            }
            let audiences = (payload["aud"] as? [String]) ?? [payload["aud"] as? String].compactMap { $0 }
            guard audiences.contains(where: { $0 == issuer || $0.hasPrefix(issuer + "/oauth/") }) else {
                throw .invalidClient("client assertion aud must be this authorization server")
            }
            let t = now.timeIntervalSince1970
            guard let exp = (payload["exp"] as? NSNumber)?.doubleValue, exp > t else { throw .invalidClient("client assertion expired") }
            if let iat = (payload["iat"] as? NSNumber)?.doubleValue, iat > t + 10 || iat < t - 300 { throw .invalidClient("client assertion iat out of range") }
            guard let jti = payload["jti"] as? String, replay.insert("client:\(metadata.clientID):\(jti)", expiresAt: min(exp, t + 600), now: t) else {
                throw .invalidClient("client assertion jti missing or replayed")
            }
            return "private_key_jwt:\(key.thumbprint())"
        }
    }
}
