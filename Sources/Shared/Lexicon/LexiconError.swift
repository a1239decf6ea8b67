/// A Lexicon document that could not be read, or a value that does not match its schema.
///
/// Every kind maps to the XRPC error `InvalidRequest`: a bad record, body or extra lexicon
/// document is always the fault of whoever supplied it.
public struct LexiconError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// A Lexicon document breaks the rules of the Lexicon language.
        case invalidDocument
        /// A value does not match its schema.
        case invalidValue
        /// A schema refers to a definition the catalog does not hold.
        case missingDefinition
    }

    public let kind: Kind
    /// The full message, starting with the path of the offending value when there is one,
    /// e.g. `Record/embed/images/0/alt must not be longer than 1000 graphemes`.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The XRPC error name this maps to.
    public var xrpcError: String { "InvalidRequest" }

    public var description: String { message }
}
