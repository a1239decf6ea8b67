/// An at-identifier: either a handle or a DID (used for AT-URI authorities and in XRPC
/// parameters such as `repo`).
///
/// Strings starting with `did:` are parsed as DIDs, anything else as a handle (which is then
/// normalised to lower case).
public struct ATIdentifier: SyntaxValue {
    /// The parsed alternative.
    public enum Value: Hashable, Sendable {
        case did(DID)
        case handle(Handle)
    }

    public let value: Value

    public init(_ string: String) throws(SyntaxError) {
        do {
            if string.utf8.starts(with: "did:".utf8) {
                value = .did(try DID(string))
            } else {
                value = .handle(try Handle(string))
            }
        } catch {
            throw SyntaxError(.atIdentifier, input: string, message: "not a valid handle or DID (\(error.message))")
        }
    }

    /// Wraps an already-validated DID.
    public init(_ did: DID) { value = .did(did) }

    /// Wraps an already-validated handle.
    public init(_ handle: Handle) { value = .handle(handle) }

    public static func isValid(_ string: String) -> Bool {
        string.utf8.starts(with: "did:".utf8) ? DID.isValid(string) : Handle.isValid(string)
    }

    /// The identifier as a string (handles in lower case).
    public var string: String {
        switch value {
        case .did(let did): did.string
        case .handle(let handle): handle.string
        }
    }

    /// The DID, if this identifier is one.
    public var did: DID? {
        if case .did(let did) = value { return did }
        return nil
    }

    /// The handle, if this identifier is one.
    public var handle: Handle? {
        if case .handle(let handle) = value { return handle }
        return nil
    }
}
