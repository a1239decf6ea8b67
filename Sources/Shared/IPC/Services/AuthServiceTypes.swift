import Foundation

/// Request and response types of the AuthService's methods.
public enum AuthTypes {
    /// The input of a create account call.
    public struct CreateAccountRequest: Codable, Sendable {
        public var handle: String
        public var email: String?
        public var password: String?
        public var inviteCode: String?
        public var recoveryKey: String?
        /// An existing DID (an account migrating here); `serviceAuth` must then be a
        /// service-auth JWT from it for this PDS.
        public var did: String?
        public var serviceAuth: String?
        public init(handle: String, email: String?, password: String?, inviteCode: String?, recoveryKey: String?,
                    did: String? = nil, serviceAuth: String? = nil) {
            self.handle = handle; self.email = email; self.password = password; self.inviteCode = inviteCode; self.recoveryKey = recoveryKey
            self.did = did; self.serviceAuth = serviceAuth
        }
    }
    /// A session as createAccount/createSession/refreshSession answer it.
    public struct Session: Codable, Sendable, Equatable {
        public var accessJwt: String
        public var refreshJwt: String
        public var handle: String
        public var did: String
        public var email: String?
        public var emailConfirmed: Bool?
        public var active: Bool
        public var status: String?
        /// The DID document as JSON text.
        public var didDocJSON: String?
        public init(accessJwt: String, refreshJwt: String, handle: String, did: String, email: String?, emailConfirmed: Bool?,
                    active: Bool, status: String?, didDocJSON: String?) {
            self.accessJwt = accessJwt; self.refreshJwt = refreshJwt; self.handle = handle; self.did = did; self.email = email
            self.emailConfirmed = emailConfirmed; self.active = active; self.status = status; self.didDocJSON = didDocJSON
        }
    }
    /// The input of a create session call.
    public struct CreateSessionRequest: Codable, Sendable {
        public var identifier: String
        public var password: String
        public init(identifier: String, password: String) { self.identifier = identifier; self.password = password }
    }
    /// The input of a token call.
    public struct TokenRequest: Codable, Sendable {
        public var token: String
        public init(token: String) { self.token = token }
    }
    /// Who a valid access token speaks for.
    public struct Credentials: Codable, Sendable, Equatable {
        public var did: String
        public var scope: String
        /// nil for an active account; otherwise `deactivated` or `takendown`.
        public var status: String?
        /// OAuth tokens only: the granted scope string (`atproto transition:generic`, ...) and
        /// the client. `scope` is then `com.atproto.oauth`.
        public var oauthScope: String?
        public var clientID: String?
        public init(did: String, scope: String, status: String? = nil, oauthScope: String? = nil, clientID: String? = nil) {
            self.did = did; self.scope = scope; self.status = status; self.oauthScope = oauthScope; self.clientID = clientID
        }
    }
    /// The input of a set status call.
    public struct SetStatusRequest: Codable, Sendable {
        public var did: String
        /// `active`, `deactivated` or `takendown`.
        public var status: String
        public init(did: String, status: String) { self.did = did; self.status = status }
    }
    /// The input of an update handle call.
    public struct UpdateHandleRequest: Codable, Sendable {
        public var did: String
        public var handle: String
        public init(did: String, handle: String) { self.did = did; self.handle = handle }
    }
    /// Names one account (the input of the per-account calls).
    public struct DIDRequest: Codable, Sendable {
        public var did: String
        /// getAccount only: also fetch the DID document (a PLC directory request), which
        /// status checks on every public read do not need.
        public var includeDidDoc: Bool?
        public init(did: String, includeDidDoc: Bool? = nil) { self.did = did; self.includeDidDoc = includeDidDoc }
    }
    /// A account info as it travels over IPC.
    public struct AccountInfo: Codable, Sendable, Equatable {
        public var did: String
        public var handle: String
        public var email: String?
        public var emailConfirmed: Bool
        public var active: Bool
        public var status: String?
        public var didDocJSON: String?
        public init(did: String, handle: String, email: String?, emailConfirmed: Bool, active: Bool, status: String?, didDocJSON: String?) {
            self.did = did; self.handle = handle; self.email = email; self.emailConfirmed = emailConfirmed; self.active = active
            self.status = status; self.didDocJSON = didDocJSON
        }
    }
    /// The input of a resolve handle call.
    public struct ResolveHandleRequest: Codable, Sendable {
        public var handle: String
        /// Also ask DNS and HTTPS for handles not hosted here (only the public
        /// `resolveHandle` endpoint does; lookups of this server's repos stay local).
        public var remote: Bool?
        public init(handle: String, remote: Bool = false) { self.handle = handle; self.remote = remote ? true : nil }
    }
    /// The answer to a resolve handle call.
    public struct ResolveHandleResponse: Codable, Sendable {
        public var did: String
        public init(did: String) { self.did = did }
    }
    /// The input of a create app password call.
    public struct CreateAppPasswordRequest: Codable, Sendable {
        public var did: String
        public var name: String
        public var privileged: Bool
        public init(did: String, name: String, privileged: Bool) { self.did = did; self.name = name; self.privileged = privileged }
    }
    /// A app password as it travels over IPC.
    public struct AppPassword: Codable, Sendable, Equatable {
        public var name: String
        public var password: String?
        public var createdAt: String
        public var privileged: Bool
        public init(name: String, password: String?, createdAt: String, privileged: Bool) {
            self.name = name; self.password = password; self.createdAt = createdAt; self.privileged = privileged
        }
    }
    /// A app password list as it travels over IPC.
    public struct AppPasswordList: Codable, Sendable {
        public var passwords: [AppPassword]
        public init(passwords: [AppPassword]) { self.passwords = passwords }
    }
    /// The input of a revoke app password call.
    public struct RevokeAppPasswordRequest: Codable, Sendable {
        public var did: String
        public var name: String
        public init(did: String, name: String) { self.did = did; self.name = name }
    }
    /// The input of a create invite codes call.
    public struct CreateInviteCodesRequest: Codable, Sendable {
        public var codeCount: Int
        public var useCount: Int
        public var forAccount: String
        public init(codeCount: Int, useCount: Int, forAccount: String) { self.codeCount = codeCount; self.useCount = useCount; self.forAccount = forAccount }
    }
    /// A invite codes as it travels over IPC.
    public struct InviteCodes: Codable, Sendable {
        public var codes: [String]
        public init(codes: [String]) { self.codes = codes }
    }

    /// One step of an emailed-token flow (confirm email, change email, reset password,
    /// delete account).
    public struct EmailFlowRequest: Codable, Sendable {
        public enum Step: String, Codable, Sendable {
            case requestEmailConfirmation, confirmEmail, requestEmailUpdate, updateEmail
            case requestPasswordReset, resetPassword, requestAccountDelete, deleteAccount
        }
        public var step: Step
        public var did: String?
        public var email: String?
        public var token: String?
        public var password: String?
        public init(step: Step, did: String? = nil, email: String? = nil, token: String? = nil, password: String? = nil) {
            self.step = step; self.did = did; self.email = email; self.token = token; self.password = password
        }
    }
    /// The answer to an email flow call.
    public struct EmailFlowResponse: Codable, Sendable {
        public var tokenRequired: Bool?
        public init(tokenRequired: Bool? = nil) { self.tokenRequired = tokenRequired }
    }

    /// The identity and migration calls (`com.atproto.identity.*` PLC methods,
    /// `getRecommendedDidCredentials`, `resolveDid`, `validDid`), one request type for all.
    public struct IdentityRequest: Codable, Sendable {
        public enum Step: String, Codable, Sendable {
            /// `getRecommendedDidCredentials`: answers `json`.
            case recommendedCredentials
            /// `requestPlcOperationSignature`: mails a token.
            case requestPLCSignature
            /// `signPlcOperation`: `token`, and `json` the request body; answers the operation as `json`.
            case signPLCOperation
            /// `submitPlcOperation`: `json` the operation.
            case submitPLCOperation
            /// `resolveDid`: answers the current document as `json` and its `signingKey`.
            case resolveDID
            /// `checkAccountStatus.validDid`: answers `valid` and `problem`.
            case checkDocument
        }
        public var step: Step
        public var did: String
        public var token: String?
        public var json: String?
        public init(step: Step, did: String, token: String? = nil, json: String? = nil) {
            self.step = step; self.did = did; self.token = token; self.json = json
        }
    }
    /// The answer to an identity call.
    public struct IdentityResponse: Codable, Sendable {
        public var json: String?
        public var signingKey: String?
        public var valid: Bool?
        public var problem: String?
        public init(json: String? = nil, signingKey: String? = nil, valid: Bool? = nil, problem: String? = nil) {
            self.json = json; self.signingKey = signingKey; self.valid = valid; self.problem = problem
        }
    }
}
