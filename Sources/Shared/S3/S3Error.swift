import Foundation

/// A request the S3 server refused or answered unexpectedly.
public struct S3Error: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let status: Int
    /// The `<Code>` of the server's XML error body (`SignatureDoesNotMatch`, `NoSuchKey`, …).
    public let code: String?
    public let message: String?

    public var description: String { "S3 \(operation) failed: HTTP \(status) \(code ?? "") \(message ?? "")" }

    public init(operation: String, status: Int, body: String) {
        self.operation = operation
        self.status = status
        code = S3XML.value(of: "Code", in: body)
        message = S3XML.value(of: "Message", in: body)
    }
}
