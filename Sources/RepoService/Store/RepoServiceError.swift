import IPLD
import Repo

/// An error of a repo read or write, named as the XRPC error it becomes.
public struct RepoServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The XRPC error name (`InvalidSwap`, `RecordNotFound`, `RepoNotFound`, `InvalidRequest`, …).
    public let xrpcError: String
    public let message: String
    /// The HTTP status the gateway answers with.
    public let status: Int

    public init(_ xrpcError: String, _ message: String, status: Int = 400) {
        self.xrpcError = xrpcError
        self.message = message
        self.status = status
    }

    public var description: String { "\(xrpcError): \(message)" }

    static func invalidSwap(_ m: String) -> Self { .init("InvalidSwap", m) }
    static func recordNotFound(_ m: String) -> Self { .init("RecordNotFound", m) }
    static func repoNotFound(_ did: String) -> Self { .init("RepoNotFound", "Could not find repo for DID: \(did)") }
    static func invalidRequest(_ m: String) -> Self { .init("InvalidRequest", m) }
    static func internalError(_ m: String) -> Self { .init("InternalServerError", m, status: 500) }

    /// Maps library errors to what a client should see.
    static func from(_ error: any Error) -> RepoServiceError {
        switch error {
        case let e as RepoServiceError: return e
        case let e as RepoError:
            if case .missingBlock = e { return .internalError("repo storage is missing a block: \(e)") }
            return .invalidRequest(e.description)
        case let e as IPLDError: return .invalidRequest(e.message)
        default: return .internalError("\(error)")
        }
    }
}
