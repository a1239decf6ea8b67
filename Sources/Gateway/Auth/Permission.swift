import IPC
import Syntax

/// What a call needs of an OAuth grant, in the atproto permission spec's terms. Legacy
/// session and app-password tokens are checked by their own rules and pass here.
public enum Permission: Sendable, CustomStringConvertible {
    case repo(collection: String, action: OAuthScope.RepoAction)
    case blob(mime: String)
    case rpc(lxm: String, aud: String)
    case account(String, OAuthScope.AccountAction)
    case identity(String)

    /// The scope that would grant it (for the error message).
    public var description: String {
        switch self {
        case .repo(let c, let a): "repo:\(c)?action=\(a.rawValue)"
        case .blob(let m): "blob:\(m)"
        case .rpc(let l, let a): "rpc:\(l)?aud=\(a)"
        case .account(let attr, let action): "account:\(attr)?action=\(action.rawValue)"
        case .identity(let attr): "identity:\(attr)"
        }
    }

    func isGranted(by p: ScopePermissions) -> Bool {
        switch self {
        case .repo(let c, let a): p.allowsRepo(collection: c, action: a)
        case .blob(let m): p.allowsBlob(mime: m)
        case .rpc(let l, let a): p.allowsRPC(lxm: l, aud: a)
        case .account(let attr, let action): p.allowsAccount(attr, action: action)
        case .identity(let attr): p.allowsIdentity(attr)
        }
    }
}

extension Authenticator {
    /// 403 `InsufficientScope` unless an OAuth grant covers `permission`.
    public func require(_ permission: Permission, of credentials: AuthTypes.Credentials) throws(XRPCError) {
        guard let scope = credentials.oauthScope else { return }
        guard permission.isGranted(by: ScopePermissions(scope)) else { throw .insufficientScope(permission.description) }
    }

    /// Whether an OAuth grant covers `permission` (true for legacy tokens).
    public func allows(_ permission: Permission, _ credentials: AuthTypes.Credentials) -> Bool {
        guard let scope = credentials.oauthScope else { return true }
        return permission.isGranted(by: ScopePermissions(scope))
    }
}
