import Config
import HTTPTypes
import Hummingbird
import IPC
import NIOCore

/// `POST /oauth/par`, `/oauth/token` and `/oauth/revoke`: the form is read here and handed
/// to AuthService, which answers with the whole HTTP response (status, OAuth JSON, DPoP nonce).
enum OAuthEndpoints {
    static func register<Context: RequestContext>(on router: Router<Context>, config: PDSConfig, auth: any AuthServiceAPI) {
        let issuer = OAuthMetadata.issuer(config)
        let endpoints: [(String, OAuthTypes.EndpointRequest.Endpoint)] = [("par", .par), ("token", .token), ("revoke", .revoke)]
        for (path, endpoint) in endpoints {
            router.post("/oauth/\(path)") { request, _ -> Response in
                let form: [String: String]
                do { form = try await FormBody.read(request) } catch let e as XRPCError { return oauthError("invalid_request", e.message, status: .badRequest) } catch { return oauthError("invalid_request", "cannot read the form", status: .badRequest) }
                let call = OAuthTypes.EndpointRequest(endpoint: endpoint, form: form, dpop: request.headers[Authenticator.dpopHeader],
                                                      url: issuer + "/oauth/\(path)")
                let answer: OAuthTypes.EndpointResponse
                do { answer = try await auth.oauthEndpoint(call) } catch {
                    return oauthError("server_error", "the authorization server is unavailable", status: .serviceUnavailable)
                }
                var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
                if let nonce = answer.dpopNonce { headers[HTTPField.Name("DPoP-Nonce")!] = nonce }
                return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer.json)))
            }
        }
    }

    static func oauthError(_ error: String, _ description: String, status: HTTPResponse.Status) -> Response {
        let body = OAuthMetadata.json(["error": error, "error_description": description])
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: body))
    }
}
