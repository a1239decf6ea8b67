import Foundation
import Identity
import IPLD
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads the current DID documents of accounts (migrating here or hosted here): did:plc from
/// the PLC directory, with its rotation keys from the newest operation; did:web from
/// `https://<host>/.well-known/did.json` (plain http for `localhost` hosts in development
/// mode, as the reference resolver), refusing hosts that resolve to private addresses
/// outside development mode. Never cached: migration steps need the document as it is now.
struct DIDDocuments: Sendable {
    /// A resolved document.
    struct Resolved: Sendable {
        let document: DIDDocument
        /// The document as JSON text (what `resolveDid` answers).
        let json: String
        /// did:plc only: the rotation keys of the newest operation.
        let rotationKeys: [String]?
    }

    let plc: PLCClient
    let devMode: Bool
    var addressLookup: @Sendable (String) -> [String] = AddressPolicy.lookup

    func resolve(_ did: String) async throws(AuthError) -> Resolved {
        if did.hasPrefix("did:plc:") {
            let json: String
            do { json = try await plc.document(did: did) } catch where error == .accountNotFound {
                throw AuthError("DidNotFound", "The PLC directory does not know \(did)")
            }
            let document: DIDDocument
            do { document = try DIDDocument(json: Array(json.utf8)) } catch {
                throw AuthError("DidNotFound", "The PLC directory's document for \(did) cannot be read: \(error)")
            }
            var rotationKeys: [String]? = nil
            if case .update(let state) = try await plc.lastOperation(did: did).kind { rotationKeys = state.rotationKeys }
            return Resolved(document: document, json: json, rotationKeys: rotationKeys)
        }
        guard did.hasPrefix("did:web:") else { throw AuthError.invalidRequest("Unsupported DID method: \(did)") }
        let host = String(did.dropFirst("did:web:".count)).removingPercentEncoding ?? ""
        guard !host.isEmpty, !host.contains(":") || host.hasPrefix("localhost:") else {
            throw AuthError.invalidRequest("did:web with a path or port is not supported: \(did)")
        }
        let name = host.split(separator: ":").first.map(String.init) ?? host
        let scheme = devMode && name == "localhost" ? "http" : "https"
        guard let url = URL(string: "\(scheme)://\(host)/.well-known/did.json") else { throw AuthError.invalidRequest("Invalid did:web \(did)") }
        let data: Data
        do {
            let answer = try await OutboundHTTP(allowPrivateAddresses: devMode, addressLookup: addressLookup)
                .get(url, timeout: 10, maxBytes: 64 * 1024)
            guard answer.status == 200 else { throw AuthError("DidNotFound", "\(url) did not answer 200 (\(answer.status))") }
            data = answer.body
        } catch let e as AuthError { throw e } catch let e as OutboundHTTPError {
            switch e {
            case .tooLarge: throw AuthError("DidNotFound", "\(url) is too large for a DID document")
            case .refused: throw AuthError("DidNotFound", "\(name) resolves to a private address")
            case .unreachable(let why): throw AuthError("DidNotFound", "\(url) is unreachable: \(why)")
            }
        } catch { throw AuthError("DidNotFound", "\(url) is unreachable: \(error)") }
        let document: DIDDocument
        do { document = try DIDDocument(json: Array(data)) } catch { throw AuthError("DidNotFound", "\(url): \(error)") }
        guard document.did == did else { throw AuthError("DidNotFound", "\(url) is the document of \(document.did), not \(did)") }
        return Resolved(document: document, json: String(decoding: data, as: UTF8.self), rotationKeys: nil)
    }
}
