/// An error from key import, key parsing, or signing.
///
/// `message` is meant for humans (and may be returned in an XRPC error body);
/// `xrpcError` is the XRPC error name a server should report for it.
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A human-readable explanation, e.g. "did:key must start with did:key:z".
    public let message: String
    /// The XRPC error name to report, e.g. "InvalidRequest".
    public let xrpcError: String

    /// Creates an error; by default reported as XRPC "InvalidRequest".
    public init(_ message: String, xrpcError: String = "InvalidRequest") {
        self.message = message
        self.xrpcError = xrpcError
    }

    public var description: String { "CryptoError(\(xrpcError)): \(message)" }

    static func invalidKey(_ detail: String) -> CryptoError { CryptoError("invalid key: \(detail)") }
    static func signingFailed(_ detail: String) -> CryptoError {
        CryptoError("signing failed: \(detail)", xrpcError: "InternalServerError")
    }
}
