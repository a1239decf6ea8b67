import ATCrypto
import IPLD

/// The state a `plc_operation` sets: what the DID document is rendered from.
public struct PLCState: Sendable, Equatable {
    /// did:key strings, highest priority first; they control the DID.
    public var rotationKeys: [String]
    /// Service id (no `#`) → did:key; `atproto` is the repo signing key.
    public var verificationMethods: [String: String]
    /// URIs, `at://handle` first.
    public var alsoKnownAs: [String]
    /// Service id (no `#`) → endpoint; `atproto_pds` is the PDS.
    public var services: [String: PLCOperation.Service]

    public init(rotationKeys: [String], verificationMethods: [String: String], alsoKnownAs: [String],
                services: [String: PLCOperation.Service]) {
        self.rotationKeys = rotationKeys
        self.verificationMethods = verificationMethods
        self.alsoKnownAs = alsoKnownAs
        self.services = services
    }

    /// The state of an account hosted here.
    public static func account(rotationKeys: [String], signingKey: String, handle: String, pdsEndpoint: String) -> PLCState {
        PLCState(rotationKeys: rotationKeys, verificationMethods: ["atproto": signingKey],
                 alsoKnownAs: ["at://\(handle)"],
                 services: ["atproto_pds": .init(type: "AtprotoPersonalDataServer", endpoint: pdsEndpoint)])
    }

    /// Reads the state fields of an operation (or of a `signPlcOperation` request).
    public init(_ m: DataMap) throws(PLCError) {
        guard case .array(let rk)? = m["rotationKeys"] else { throw PLCError("rotationKeys missing") }
        rotationKeys = try rk.map { (v) throws(PLCError) -> String in
            guard case .string(let s) = v else { throw PLCError("rotation key must be a string") }
            return s
        }
        guard case .map(let vm)? = m["verificationMethods"] else { throw PLCError("verificationMethods missing") }
        verificationMethods = [:]
        for e in vm.entries {
            guard case .string(let s) = e.value else { throw PLCError("verification method must be a did:key") }
            verificationMethods[e.key] = s
        }
        guard case .array(let aka)? = m["alsoKnownAs"] else { throw PLCError("alsoKnownAs missing") }
        alsoKnownAs = try aka.map { (v) throws(PLCError) -> String in
            guard case .string(let s) = v else { throw PLCError("alsoKnownAs entries must be strings") }
            return s
        }
        guard case .map(let sv)? = m["services"] else { throw PLCError("services missing") }
        services = [:]
        for e in sv.entries {
            guard case .string(let t)? = e.value["type"], case .string(let ep)? = e.value["endpoint"] else {
                throw PLCError("service \(e.key) needs type and endpoint")
            }
            services[e.key] = .init(type: t, endpoint: ep)
        }
        try validate()
    }

    /// The directory's rules: 1–5 distinct rotation keys, at most 10 verification methods,
    /// every key a valid did:key.
    public func validate() throws(PLCError) {
        guard (1...5).contains(rotationKeys.count) else { throw PLCError("there must be 1 to 5 rotation keys") }
        guard Set(rotationKeys).count == rotationKeys.count else { throw PLCError("duplicate rotation keys") }
        guard verificationMethods.count <= 10 else { throw PLCError("too many verification methods") }
        for k in rotationKeys + Array(verificationMethods.values) {
            do { _ = try DIDKey.parse(k) } catch { throw PLCError("\(k.prefix(80)) is not a valid did:key") }
        }
    }
}
