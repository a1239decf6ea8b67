import Config
import HTTPTypes
import Hummingbird
import IPC
import NIOCore

/// `GET` and `POST /oauth/authorize`: shows the sign-in and consent pages and sends the browser
/// back to the client. The browser is known by the `pds-device` cookie (HttpOnly, SameSite=Lax,
/// Secure outside development mode); pages may not be framed.
enum AuthorizeRoutes {
    static let cookieName = "pds-device"

    static func register<Context: RequestContext>(on router: Router<Context>, config: PDSConfig, auth: any AuthServiceAPI) {
        let secure = !config.devMode
        router.get("/oauth/authorize") { request, _ -> Response in
            let query = request.uri.queryParameters
            guard let clientID = query["client_id"].map(String.init), let requestURI = query["request_uri"].map(String.init) else {
                return page(AuthorizePages.error("The link is missing client_id or request_uri. Go back to the app and start again."), status: .badRequest)
            }
            var step = OAuthTypes.AuthorizeRequest(step: .view, clientID: clientID, requestURI: requestURI, device: deviceCookie(request))
            step.userAgent = request.headers[.userAgent]
            return await run(step, auth: auth, secure: secure)
        }
        router.post("/oauth/authorize") { request, _ -> Response in
            let form: [String: String]
            do { form = try await FormBody.read(request) } catch let e as XRPCError {
                return page(AuthorizePages.error(e.message), status: .badRequest)
            } catch {
                return page(AuthorizePages.error("Cannot read the form."), status: .badRequest)
            }
            guard let clientID = form["client_id"], let requestURI = form["request_uri"],
                  let kind = form["step"], kind == "signIn" || kind == "consent" else {
                return page(AuthorizePages.error("The form is incomplete. Go back to the app and start again."), status: .badRequest)
            }
            var step = OAuthTypes.AuthorizeRequest(step: kind == "signIn" ? .signIn : .consent, clientID: clientID,
                                                   requestURI: requestURI, device: deviceCookie(request))
            step.csrf = form["csrf"]
            step.identifier = form["identifier"]
            step.password = form["password"]
            step.remember = form["remember"] != nil
            step.allow = form["allow"] == "true"
            step.did = form["did"]
            step.userAgent = request.headers[.userAgent]
            return await run(step, auth: auth, secure: secure)
        }
    }

    static func run(_ step: OAuthTypes.AuthorizeRequest, auth: any AuthServiceAPI, secure: Bool) async -> Response {
        let answer: OAuthTypes.AuthorizeResponse
        do { answer = try await auth.oauthAuthorize(step) } catch {
            return page(AuthorizePages.error("The sign-in service is unavailable. Try again in a moment."), status: .serviceUnavailable)
        }
        var response: Response
        switch answer.page {
        case .signIn: response = page(AuthorizePages.signIn(answer, clientID: step.clientID, requestURI: step.requestURI), status: .ok)
        case .consent: response = page(AuthorizePages.consent(answer, clientID: step.clientID, requestURI: step.requestURI), status: .ok)
        case .error: response = page(AuthorizePages.error(answer.message ?? "Unknown error"), status: .badRequest)
        case .redirect:
            response = Response(status: .seeOther, headers: [.location: answer.redirect ?? "/", .cacheControl: "no-store"])
        }
        if let device = answer.setDevice {
            response.headers.append(HTTPField(name: .setCookie, value:
                "\(cookieName)=\(device); Path=/oauth; Max-Age=31536000; HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"))
        }
        return response
    }

    static func deviceCookie(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == cookieName { return String(kv[1]) }
            }
        }
        return nil
    }

    static func page(_ html: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
