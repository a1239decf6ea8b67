import ATCrypto
import Foundation

extension DIDDocument {
    /// Reads a DID document in its W3C JSON form (what `plc.directory` and
    /// `/.well-known/did.json` serve). Verification methods and services are keyed by their
    /// fragment (`atproto`, `atproto_pds`, `bsky_appview`), whether the document writes the id
    /// as `#frag` or `did:…#frag`; entries that are not well-formed are skipped, as the
    /// reference resolver does, so one odd entry does not hide the others.
    public init(json bytes: [UInt8]) throws(DIDDocumentError) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw DIDDocumentError("DID document is not valid JSON")
        }
        guard let doc = object as? [String: Any] else { throw DIDDocumentError("DID document is not a JSON object") }
        guard let id = doc["id"] as? String, id.hasPrefix("did:") else { throw DIDDocumentError("DID document has no DID id") }
        let aliases = (doc["alsoKnownAs"] as? [Any] ?? []).compactMap { $0 as? String }
        var methods: [String: String] = [:]
        for case let method as [String: Any] in doc["verificationMethod"] as? [Any] ?? [] {
            guard let mid = method["id"] as? String, let fragment = Self.fragment(mid),
                  let multibase = method["publicKeyMultibase"] as? String else { continue }
            let type = method["type"] as? String ?? "Multikey"
            guard let key = try? Multikey.parse(multibase, type: type) else { continue }
            methods[fragment] = DIDKey.format(key)
        }
        var services: [String: PLCOperation.Service] = [:]
        for case let service as [String: Any] in doc["service"] as? [Any] ?? [] {
            guard let sid = service["id"] as? String, let fragment = Self.fragment(sid),
                  let endpoint = service["serviceEndpoint"] as? String else { continue }
            services[fragment] = PLCOperation.Service(type: service["type"] as? String ?? "", endpoint: endpoint)
        }
        self.init(did: id, alsoKnownAs: aliases, verificationMethods: methods, services: services)
    }

    /// `bsky_appview` of `#bsky_appview` or `did:web:api.bsky.app#bsky_appview`.
    static func fragment(_ id: String) -> String? {
        guard let hash = id.lastIndex(of: "#") else { return nil }
        let fragment = id[id.index(after: hash)...]
        return fragment.isEmpty ? nil : String(fragment)
    }
}

/// A DID document that cannot be read.
public struct DIDDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
