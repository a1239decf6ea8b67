import ATCrypto
import IPLD

/// A DID document as atproto reads it: handle aliases, the `#atproto` signing key and the
/// `#atproto_pds` service.
public struct DIDDocument: Sendable, Equatable {
    public let did: String
    public let alsoKnownAs: [String]
    /// Verification method id (no `#`) → did:key.
    public let verificationMethods: [String: String]
    public let services: [String: PLCOperation.Service]

    public init(did: String, alsoKnownAs: [String], verificationMethods: [String: String], services: [String: PLCOperation.Service]) {
        self.did = did
        self.alsoKnownAs = alsoKnownAs
        self.verificationMethods = verificationMethods
        self.services = services
    }

    /// The document of a did:plc in the given state.
    public init(did: String, state: PLCState) {
        self.init(did: did, alsoKnownAs: state.alsoKnownAs, verificationMethods: state.verificationMethods, services: state.services)
    }

    /// The handle claimed by the first `at://` alias.
    public var handle: String? {
        alsoKnownAs.first { $0.hasPrefix("at://") }.map { String($0.dropFirst(5)) }
    }

    /// The PDS endpoint.
    public var pdsEndpoint: String? { services["atproto_pds"]?.endpoint }

    /// The repo signing key.
    public var signingKey: (any PublicKey)? {
        verificationMethods["atproto"].flatMap { try? DIDKey.parse($0) }
    }

    /// The W3C JSON form, as the PLC directory renders it.
    public var value: DataValue {
        var contexts: [DataValue] = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
        let keys = verificationMethods.values.compactMap { try? DIDKey.parse($0) }
        if keys.contains(where: { $0.algorithm == .k256 }) { contexts.append("https://w3id.org/security/suites/secp256k1-2019/v1") }
        let methods: [DataValue] = verificationMethods.keys.sorted().compactMap { id in
            guard let key = try? DIDKey.parse(verificationMethods[id]!) else { return nil }
            return ["id": .string("\(did)#\(id)"), "type": "Multikey", "controller": .string(did),
                    "publicKeyMultibase": .string(key.multibase)]
        }
        let services: [DataValue] = self.services.keys.sorted().map { id in
            ["id": .string("#\(id)"), "type": .string(self.services[id]!.type), "serviceEndpoint": .string(self.services[id]!.endpoint)]
        }
        return ["@context": .array(contexts), "id": .string(did), "alsoKnownAs": .array(alsoKnownAs.map { .string($0) }),
                "verificationMethod": .array(methods), "service": .array(services)]
    }
}
