/// An AuthService error, named as the reference PDS names it, with its HTTP status.
public struct AuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public let xrpcError: String
    public let message: String
    public let status: Int

    public init(_ xrpcError: String, _ message: String, status: Int = 400) {
        self.xrpcError = xrpcError
        self.message = message
        self.status = status
    }

    public var description: String { "\(xrpcError): \(message)" }

    public static func invalidRequest(_ m: String) -> AuthError { .init("InvalidRequest", m) }
    public static let authRequired = AuthError("AuthenticationRequired", "Authentication Required", status: 401)
    public static let invalidToken = AuthError("InvalidToken", "Token could not be verified", status: 400)
    public static let expiredToken = AuthError("ExpiredToken", "Token has expired", status: 400)
    public static let invalidCredentials = AuthError("AuthenticationRequired", "Invalid identifier or password", status: 401)
    public static func handleNotAvailable(_ m: String = "Handle already taken") -> AuthError { .init("HandleNotAvailable", m) }
    public static func invalidHandle(_ m: String) -> AuthError { .init("InvalidHandle", m) }
    public static func invalidInviteCode(_ m: String) -> AuthError { .init("InvalidInviteCode", m) }
    public static let emailTaken = AuthError("InvalidRequest", "This email address is already in use, please use a different email.")
    public static let accountNotFound = AuthError("AccountNotFound", "Account not found")
    public static func internalError(_ m: String) -> AuthError { .init("InternalServerError", m, status: 500) }
}
