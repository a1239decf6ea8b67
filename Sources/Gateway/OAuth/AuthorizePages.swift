import IPC
import Syntax

/// The sign-in, consent and error pages of `/oauth/authorize`: plain server-rendered HTML
/// forms that work without JavaScript. Every value is escaped; no secret is put in a URL.
enum AuthorizePages {
    static func signIn(_ page: OAuthTypes.AuthorizeResponse, clientID: String, requestURI: String) -> String {
        let client = page.client.map(clientName) ?? escape(clientID)
        let message = page.message.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? ""
        return layout(title: "Sign in", body: """
            <h1>Sign in</h1>
            <p>to continue to <strong>\(client)</strong></p>
            \(message)
            <form method="post" action="/oauth/authorize">
              \(hidden(page, clientID: clientID, requestURI: requestURI, step: "signIn"))
              <label for="identifier">Handle or email</label>
              <input id="identifier" name="identifier" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="\(escape(page.loginHint ?? ""))">
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required>
              <label class="check"><input type="checkbox" name="remember" value="1"> Remember this device</label>
              <button type="submit">Sign in</button>
            </form>
            """)
    }

    static func consent(_ page: OAuthTypes.AuthorizeResponse, clientID: String, requestURI: String) -> String {
        let client = page.client.map(clientName) ?? escape(clientID)
        let logo = page.client?.logoURI.flatMap { $0.hasPrefix("https://") ? $0 : nil }
            .map { "<img class=\"logo\" src=\"\(escape($0))\" alt=\"\" width=\"48\" height=\"48\">" } ?? ""
        let site = page.client?.uri.map { "<p class=\"site\">\(escape($0))</p>" } ?? ""
        let links = [("Privacy policy", page.client?.policyURI), ("Terms of service", page.client?.tosURI)]
            .compactMap { name, uri in uri.map { "<a href=\"\(escape($0))\" rel=\"noopener noreferrer\">\(name)</a>" } }.joined(separator: " · ")
        let permissions = (page.scopes ?? []).compactMap(ScopeDescription.plainWords).map { "<li>\(escape($0))</li>" }.joined()
        let account = page.account.map { "<p>Signed in as <strong>@\(escape($0.handle))</strong></p>" } ?? ""
        return layout(title: "Allow access", body: """
            \(logo)
            <h1>\(client) wants to access your account</h1>
            \(site)
            \(account)
            <p>It will be able to:</p>
            <ul class="permissions">\(permissions)</ul>
            <form method="post" action="/oauth/authorize">
              \(hidden(page, clientID: clientID, requestURI: requestURI, step: "consent"))
              <input type="hidden" name="did" value="\(escape(page.account?.did ?? ""))">
              <div class="buttons">
                <button type="submit" name="allow" value="false" class="secondary">Deny</button>
                <button type="submit" name="allow" value="true">Allow</button>
              </div>
            </form>
            <p class="links">\(links)</p>
            """)
    }

    static func error(_ message: String) -> String {
        layout(title: "Sign-in error", body: """
            <h1>Something went wrong</h1>
            <p class="error" role="alert">\(escape(message))</p>
            """)
    }

    static func clientName(_ c: OAuthTypes.ClientDisplay) -> String { escape(c.name ?? c.uri ?? c.clientID) }

    static func hidden(_ page: OAuthTypes.AuthorizeResponse, clientID: String, requestURI: String, step: String) -> String {
        """
        <input type="hidden" name="step" value="\(step)">
        <input type="hidden" name="csrf" value="\(escape(page.csrf ?? ""))">
        <input type="hidden" name="client_id" value="\(escape(clientID))">
        <input type="hidden" name="request_uri" value="\(escape(requestURI))">
        """
    }

    static func layout(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="same-origin"><title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#111}
        label{display:block;margin-top:1rem;font-weight:600}input[type=text],input[type=password]{width:100%;padding:.6rem;box-sizing:border-box;font-size:1rem}
        .check{font-weight:normal}button{margin-top:1.2rem;padding:.6rem 1.4rem;font-size:1rem;border-radius:.4rem;border:1px solid #0a58ca;background:#0d6efd;color:#fff}
        button.secondary{background:#fff;color:#111;border-color:#888}.buttons{display:flex;gap:1rem;justify-content:flex-end}
        .error{color:#b00020}.permissions li{margin:.3rem 0}.site,.links{color:#555;font-size:.9rem}
        </style></head><body>
        \(body)
        </body></html>
        """
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// Permissions in plain words, for the consent page.
enum ScopeDescription {
    static func plainWords(_ scope: String) -> String? {
        switch OAuthScope(scope) {
        case .atproto: return "Know your account's identity (handle and DID)"
        case .transitionGeneric: return "Read and write everything in your account an app password can (posts, likes, follows, media, preferences)"
        case .transitionEmail: return "See your email address"
        case .transitionChatBsky: return "Read and send your direct messages"
        case .repo(let collections, let actions):
            let what = collections.contains("*") ? "any kind of record" : collections.joined(separator: ", ") + " records"
            let verbs = OAuthScope.RepoAction.allCases.filter(actions.contains).map(\.rawValue).joined(separator: ", ")
            return "\(verbs.prefix(1).uppercased() + verbs.dropFirst()) \(what) in your repository"
        case .blob(let accept): return "Upload files (\(accept.joined(separator: ", ")))"
        case .rpc(let lxm, let aud):
            let methods = lxm.contains("*") ? "any method" : lxm.joined(separator: ", ")
            return "Call \(methods) on \(aud == "*" ? "any service" : aud) on your behalf"
        case .account(let attribute, let actions):
            return "\(actions.contains(.manage) ? "Manage" : "See") your account's \(attribute == "repo" ? "repository (import)" : attribute)"
        case .identity(let attribute): return attribute == "handle" ? "Change your handle" : "Change your handle and identity (DID document)"
        case .unknown(let text): return text
        }
    }
}
