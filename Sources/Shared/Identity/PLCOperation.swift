import ATCrypto
import IPLD

/// A did:plc operation: a signed change of a DID's rotation keys, signing key, handle
/// aliases or service endpoints, chained to the previous operation by CID.
public struct PLCOperation: Sendable, Equatable {
    /// A service entry: `{type, endpoint}`.
    public struct Service: Sendable, Equatable, Codable {
        public var type: String
        public var endpoint: String
        public init(type: String, endpoint: String) {
            self.type = type
            self.endpoint = endpoint
        }
    }

    /// What the operation does.
    public enum Kind: Sendable, Equatable {
        /// `plc_operation`: the DID's full new state.
        case update(PLCState)
        /// `plc_tombstone`: the DID is deactivated for good.
        case tombstone
    }

    public let kind: Kind
    /// The previous operation's CID (nil only for genesis).
    public let prev: CID?
    /// base64url signature over the DAG-CBOR of the unsigned operation.
    public let sig: String

    public init(kind: Kind, prev: CID?, sig: String) {
        self.kind = kind
        self.prev = prev
        self.sig = sig
    }

    /// Signs a new operation with a rotation key.
    public static func sign(_ kind: Kind, prev: CID?, with key: any SigningKey) throws -> PLCOperation {
        let unsigned = PLCOperation(kind: kind, prev: prev, sig: "")
        let sig = try key.sign(DAGCBOR.encode(unsigned.unsignedValue))
        return PLCOperation(kind: kind, prev: prev, sig: Base64URL.encode(sig))
    }

    /// The operation without its signature, as a data-model value.
    public var unsignedValue: DataValue {
        var fields: [(String, DataValue)] = [("prev", prev.map { .string($0.string) } ?? .null)]
        switch kind {
        case .tombstone:
            fields.append(("type", "plc_tombstone"))
        case .update(let state):
            fields.append(("type", "plc_operation"))
            fields.append(("rotationKeys", .array(state.rotationKeys.map { .string($0) })))
            fields.append(("verificationMethods", .map(DataMap(state.verificationMethods.map { ($0.key, .string($0.value)) }))))
            fields.append(("alsoKnownAs", .array(state.alsoKnownAs.map { .string($0) })))
            fields.append(("services", .map(DataMap(state.services.map {
                ($0.key, .map(DataMap([("type", .string($0.value.type)), ("endpoint", .string($0.value.endpoint))])))
            }))))
        }
        return .map(DataMap(fields))
    }

    /// The signed operation as a data-model value (its JSON is what the directory takes).
    public var value: DataValue {
        guard case .map(var m) = unsignedValue else { return .null }
        m["sig"] = .string(sig)
        return .map(m)
    }

    /// The operation's CID (DAG-CBOR of the signed operation).
    public var cid: CID { CID.compute(.dagCBOR, of: DAGCBOR.encode(value)) }

    /// The DID a genesis operation creates: `did:plc:` + the first 24 base32 characters of
    /// the SHA-256 of its signed DAG-CBOR.
    public var genesisDID: String {
        let digest = cid.digest
        return "did:plc:" + String(Base32.encode(digest).prefix(24))
    }

    /// True when `key` made the signature.
    public func isSigned(by key: any PublicKey) -> Bool {
        guard let sig = Base64URL.decode(sig) else { return false }
        return key.verify(signature: sig, for: DAGCBOR.encode(unsignedValue))
    }

    /// Reads an operation from its data-model value (parsed JSON), refusing unknown types,
    /// missing fields and legacy `create` operations.
    public init(_ value: DataValue) throws(PLCError) {
        guard case .map(let m) = value else { throw PLCError("operation must be an object") }
        guard case .string(let sig)? = m["sig"] else { throw PLCError("operation has no sig") }
        let prev: CID?
        switch m["prev"] {
        case .null?, nil: prev = nil
        case .string(let s)?:
            do { prev = try CID(string: s) } catch { throw PLCError("prev is not a CID") }
        default: throw PLCError("prev must be a CID string or null")
        }
        switch m["type"] {
        case .string("plc_tombstone")?:
            guard prev != nil else { throw PLCError("a tombstone needs prev") }
            for k in m.keys where !["type", "prev", "sig"].contains(k) { throw PLCError("unexpected field \(k)") }
            self.init(kind: .tombstone, prev: prev, sig: sig)
        case .string("plc_operation")?:
            for k in m.keys where !["type", "prev", "sig", "rotationKeys", "verificationMethods", "alsoKnownAs", "services"].contains(k) {
                throw PLCError("unexpected field \(k)")
            }
            self.init(kind: .update(try PLCState(m)), prev: prev, sig: sig)
        default:
            throw PLCError("unsupported operation type")
        }
    }
}

/// An error in a PLC operation or its chain (XRPC/HTTP 400 from the directory).
public struct PLCError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    /// The XRPC error name this maps to.
    public var xrpcError: String { "InvalidRequest" }
}
