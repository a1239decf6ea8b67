import Foundation

/// An OAuth error as RFC 6749 §5.2 and RFC 9449 name them (`invalid_request`, `invalid_grant`,
/// `use_dpop_nonce`, ...), with the HTTP status the endpoint answers it with.
public struct OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public let error: String
    public let errorDescription: String
    public let status: Int

    public init(_ error: String, _ description: String, status: Int = 400) {
        self.error = error
        self.errorDescription = description
        self.status = status
    }

    public var description: String { "\(error): \(errorDescription)" }

    static func invalidRequest(_ d: String) -> OAuthError { .init("invalid_request", d) }
    static func invalidClient(_ d: String) -> OAuthError { .init("invalid_client", d, status: 401) }
    static func invalidClientMetadata(_ d: String) -> OAuthError { .init("invalid_client_metadata", d) }
    static func invalidGrant(_ d: String) -> OAuthError { .init("invalid_grant", d) }
    static func invalidScope(_ d: String) -> OAuthError { .init("invalid_scope", d) }
    static func invalidDPoPProof(_ d: String) -> OAuthError { .init("invalid_dpop_proof", d) }
    static let useDPoPNonce = OAuthError("use_dpop_nonce", "Authorization server requires nonce in DPoP proof")
    static func unsupportedGrantType(_ d: String) -> OAuthError { .init("unsupported_grant_type", d) }
    static func accessDenied(_ d: String) -> OAuthError { .init("access_denied", d) }

    /// The JSON body: `{"error": ..., "error_description": ...}`.
    var json: String {
        let object = ["error": error, "error_description": errorDescription]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
