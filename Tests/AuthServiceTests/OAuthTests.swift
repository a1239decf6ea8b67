import JOSE
import AuthService
import Crypto
import Foundation
import IPC
import IPLD
import Testing

/// The authorization server's parts on their own: DPoP proofs, nonces, client metadata, the
/// metadata fetcher's refusals, and access tokens that expire or outlive their session.
@Suite struct OAuthTests {
    /// A DPoP proof made here with swift-crypto, independently of the verifier.
    struct Prover {
        let key = P256.Signing.PrivateKey()
        var jwk: [String: String] {
            let raw = Array(key.publicKey.x963Representation)
            return ["kty": "EC", "crv": "P-256", "x": Base64URL.encode(raw[1..<33]), "y": Base64URL.encode(raw[33..<65])]
        }
        func proof(htm: String = "POST", htu: String = "https://pds.test/oauth/par", iat: Double = Date().timeIntervalSince1970,
                   nonce: String?, ath: String? = nil, typ: String = "dpop+jwt", alg: String = "ES256", jti: String = UUID().uuidString,
                   jwk override: [String: String]? = nil) throws -> String {
            var header: [String: Any] = ["typ": typ, "alg": alg, "jwk": override ?? jwk]
            if typ.isEmpty { header["typ"] = nil }
            var payload: [String: Any] = ["jti": jti, "htm": htm, "htu": htu, "iat": Int(iat)]
            if let nonce { payload["nonce"] = nonce }
            if let ath { payload["ath"] = ath }
            let input = Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: header)))
                + "." + Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: payload)))
            let signature = try key.signature(for: Array(input.utf8)).rawRepresentation
            return input + "." + Base64URL.encode(Array(signature))
        }
    }

    let verifier = DPoPVerifier(nonces: DPoPNonces(secret: "test-secret"))
    let url = "https://pds.test/oauth/par"

    func refusal(_ proof: String?, method: String = "POST", token: String? = nil) -> String? {
        do {
            _ = try verifier.verify(proof, method: method, urls: [url], accessToken: token)
            return nil
        } catch { return "\(error.error): \(error.errorDescription)" }
    }

    @Test func aGoodProofPassesOnceAndNamesItsKey() throws {
        let p = Prover()
        let nonce = verifier.nonces.current()
        let proof = try p.proof(htu: url + "?ignored=1", nonce: nonce)
        let checked = try verifier.verify(proof, method: "POST", urls: [url])
        let canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"\(p.jwk["x"]!)\",\"y\":\"\(p.jwk["y"]!)\"}"
        #expect(checked.jkt == Base64URL.encode(Array(SHA256.hash(data: Array(canonical.utf8)))))
        #expect(refusal(proof)?.contains("replayed") == true)
    }

    @Test func everyBadProofIsRefused() throws {
        let p = Prover()
        let nonce = verifier.nonces.current()
        let now = Date().timeIntervalSince1970
        #expect(refusal(nil)?.hasPrefix("invalid_dpop_proof") == true)
        #expect(refusal("not.a.jws")?.hasPrefix("invalid_dpop_proof") == true)
        #expect(refusal(try p.proof(nonce: nonce, typ: "JWT"))?.contains("typ") == true)
        #expect(refusal(try p.proof(nonce: nonce, alg: "HS256"))?.contains("alg") == true)
        var withPrivate = p.jwk
        withPrivate["d"] = Base64URL.encode(Array(p.key.rawRepresentation))
        #expect(refusal(try p.proof(nonce: nonce, jwk: withPrivate))?.contains("public") == true)
        #expect(refusal(try p.proof(nonce: nonce, jwk: Prover().jwk))?.contains("signature") == true)
        #expect(refusal(try p.proof(htm: "GET", nonce: nonce))?.contains("htm") == true)
        #expect(refusal(try p.proof(htu: "https://other.test/oauth/par", nonce: nonce))?.contains("htu") == true)
        #expect(refusal(try p.proof(iat: now - 120, nonce: nonce))?.contains("iat") == true)
        #expect(refusal(try p.proof(iat: now + 120, nonce: nonce))?.contains("iat") == true)
        #expect(refusal(try p.proof(nonce: nil))?.hasPrefix("use_dpop_nonce") == true)
        #expect(refusal(try p.proof(nonce: "made-up"))?.hasPrefix("use_dpop_nonce") == true)
        let token = "the-access-token"
        let ath = Base64URL.encode(Array(SHA256.hash(data: Array(token.utf8))))
        #expect(refusal(try p.proof(nonce: nonce), token: token)?.contains("ath missing") == true)
        #expect(refusal(try p.proof(nonce: nonce, ath: Base64URL.encode(Array(SHA256.hash(data: Array("other".utf8))))), token: token)?.contains("ath") == true)
        #expect(refusal(try p.proof(nonce: nonce, ath: ath), token: token) == nil)
    }

    @Test func noncesRotateAndOldOnesExpire() {
        let nonces = DPoPNonces(secret: "s")
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        let n = nonces.current(now: t)
        #expect(nonces.isValid(n, now: t) && nonces.isValid(n, now: t.addingTimeInterval(180)))
        #expect(!nonces.isValid(n, now: t.addingTimeInterval(3 * 180 + 1)))
        #expect(nonces.current(now: t.addingTimeInterval(600)) != n)
        #expect(!DPoPNonces(secret: "other").isValid(n, now: t))
    }

    @Test func loopbackClientsAndMetadataRules() throws {
        let loopback = try ClientMetadata.loopback("http://localhost?redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcb&scope=atproto+transition%3Ageneric")
        #expect(loopback.scope == "atproto transition:generic" && loopback.redirectURIs == ["http://127.0.0.1:8080/cb"])
        #expect(loopback.allowsRedirect("http://127.0.0.1:8080/cb") && loopback.allowsRedirect("http://127.0.0.1:9999/cb"))
        #expect(!loopback.allowsRedirect("http://127.0.0.1:8080/other") && !loopback.allowsRedirect("http://evil.test/cb"))
        #expect(try ClientMetadata.loopback("http://localhost").redirectURIs == ["http://127.0.0.1/", "http://[::1]/"])
        #expect(throws: OAuthError.self) { try ClientMetadata.loopback("http://localhost:8080") }
        #expect(throws: OAuthError.self) { try ClientMetadata.loopback("http://localhost?redirect_uri=https%3A%2F%2Fevil.test%2F") }

        let id = "https://app.test/client-metadata.json"
        let good = ClientMetadata(clientID: id, redirectURIs: ["https://app.test/cb"], scope: "atproto transition:generic",
                                  dpopBoundAccessTokens: true)
        try good.validate(fetchedFrom: id)
        #expect(good.allowsRedirect("https://app.test/cb") && !good.allowsRedirect("https://app.test/cb2"))
        func refused(_ change: (inout ClientMetadata) -> Void) -> Bool {
            var m = good
            change(&m)
            return (try? m.validate(fetchedFrom: id)) == nil
        }
        #expect(refused { $0.clientID = "https://other.test/c.json" })
        #expect(refused { $0.dpopBoundAccessTokens = nil })
        #expect(refused { $0.redirectURIs = [] })
        #expect(refused { $0.redirectURIs = ["http://app.test/cb"] })
        #expect(refused { $0.scope = "transition:generic" })
        #expect(refused { $0.grantTypes = ["implicit"] })
        #expect(refused { $0.tokenEndpointAuthMethod = "client_secret_post" })
        #expect(refused { $0.tokenEndpointAuthMethod = "private_key_jwt" })
        #expect(!refused { $0.applicationType = "native"; $0.redirectURIs = ["test.app:/cb", "http://127.0.0.1/cb"] })
    }

    @Test func theFetcherRefusesPrivateHostsAndPlainHTTPOutsideDevMode() async {
        let fetcher = ClientMetadataFetcher(allowPrivateAddresses: false)
        func refusal(_ clientID: String) async -> String? {
            do { _ = try await fetcher.metadata(clientID); return nil } catch { return error.errorDescription }
        }
        #expect(await refusal("https://127.0.0.1/client.json")?.contains("private or loopback") == true)
        #expect(await refusal("https://10.1.2.3/client.json")?.contains("private or loopback") == true)
        #expect(await refusal("http://93.184.216.34/client.json")?.contains("https") == true)
        #expect(await refusal("https://nonexistent.invalid/client.json")?.contains("does not resolve") == true)
        #expect(await refusal("ftp://example.com/c.json") != nil)
    }

    final class Server {
        let dir: URL
        let store: AuthStore
        let server: AuthorizationServer
        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-oauth-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            store = try AuthStore(path: dir.appendingPathComponent("auth.sqlite").path)
            server = AuthorizationServer(issuer: "https://pds.test", serviceDID: "did:web:pds.test", store: store, secret: "test-secret",
                                         fetcher: ClientMetadataFetcher(allowPrivateAddresses: false))
        }
        deinit { try? FileManager.default.removeItem(at: dir) }
    }

    /// A legacy session token is never taken for an OAuth one (which a Bearer check refuses):
    /// jwt-kit writes the same `alg` and `typ`, in an order that varies between processes.
    @Test func legacySessionTokensAreNotOAuthTokens() async throws {
        let legacy = await SessionTokens(secret: "test-secret", serviceDID: "did:web:pds.test")
        let token = try await legacy.accessToken(did: "did:plc:alice", scope: .access)
        #expect(!OAuthAccessTokens.isOAuthToken(token))
        #expect(OAuthAccessTokens(secret: "test-secret").verify(token) == nil)
        let header = try #require(Base64URL.decode(String(token.split(separator: ".")[0])))
        let members = try #require(try JSONSerialization.jsonObject(with: Data(header)) as? [String: String])
        #expect(members["typ"] == "at+jwt" && members["alg"] == "HS256", "the legacy header this guards against: \(members)")
    }

    @Test func accessTokensExpireAndEndWithTheirSession() async throws {
        let s = try Server()
        try await s.store.createAccount(did: "did:plc:alice", handle: "alice.test", email: nil, passwordScrypt: "x", inviteCode: nil)
        let p = Prover()
        let jkt = try s.server.dpop.verify(try p.proof(htu: "https://pds.test/x", nonce: s.server.dpop.nonces.current()),
                                           method: "POST", urls: ["https://pds.test/x"]).jkt
        let now = Date().timeIntervalSince1970
        try await s.store.insertOAuthSession(.init(id: "ses-1", did: "did:plc:alice", clientID: "http://localhost", clientAuth: "none",
                                                   scope: "atproto transition:generic", dpopJkt: jkt, createdAt: now, lastUsedAt: now,
                                                   expiresAt: now + 3600), refreshDigest: "r1")
        let tokens = OAuthAccessTokens(secret: "test-secret")
        func claims(exp: Double, session: String = "ses-1") -> OAuthAccessClaims {
            OAuthAccessClaims(iss: "https://pds.test", aud: "did:web:pds.test", sub: "did:plc:alice", iat: Int(now), exp: Int(exp),
                              jti: session, scope: "atproto transition:generic", clientID: "http://localhost", cnf: .init(jkt: jkt))
        }
        let url = "https://pds.test/xrpc/com.atproto.server.getSession"
        func access(_ token: String) async throws -> OAuthTypes.AccessResponse {
            let ath = Base64URL.encode(Array(SHA256.hash(data: Array(token.utf8))))
            let proof = try p.proof(htm: "GET", htu: url, nonce: s.server.dpop.nonces.current(), ath: ath)
            return await s.server.verifyAccess(.init(token: token, proof: proof, method: "GET", urls: [url]))
        }
        let live = try tokens.sign(claims(exp: now + 600))
        #expect(try await access(live).credentials?.oauthScope == "atproto transition:generic")
        let expired = try await access(try tokens.sign(claims(exp: now - 1)))
        #expect(expired.error == "invalid_token" && expired.errorDescription?.contains("expired") == true)
        let forged = try await access(try OAuthAccessTokens(secret: "other").sign(claims(exp: now + 600)))
        #expect(forged.error == "invalid_token")
        let unknown = try await access(try tokens.sign(claims(exp: now + 600, session: "ses-gone")))
        #expect(unknown.error == "invalid_token")
        // A password change ends the session at once.
        try await s.store.setPassword(did: "did:plc:alice", passwordScrypt: "y")
        #expect(try await access(live).error == "invalid_token")
    }
}
