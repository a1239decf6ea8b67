import Syntax

/// The `atproto-proxy` request header: `<did>#<service-id>`, naming the service (an entry of
/// the DID's document) a call is to be forwarded to, e.g. `did:web:api.bsky.app#bsky_appview`.
struct ProxyHeader: Sendable, Equatable {
    /// The header's name.
    static let name = "atproto-proxy"

    let did: String
    /// The service id without its `#`.
    let serviceID: String

    /// The audience of the service-auth token: the whole header value, fragment included, as
    /// the reference PDS sends it.
    var audience: String { "\(did)#\(serviceID)" }

    /// Parses a header value; a malformed one is an `InvalidRequest` saying what is wrong.
    init(parsing value: String) throws(XRPCError) {
        guard let hash = value.firstIndex(of: "#") else {
            throw .invalidRequest("no service id specified in atproto-proxy header (expected <did>#<service-id>)")
        }
        let did = String(value[..<hash]), id = String(value[value.index(after: hash)...])
        if did.isEmpty { throw .invalidRequest("no DID specified in atproto-proxy header (expected <did>#<service-id>)") }
        if id.isEmpty { throw .invalidRequest("no service id specified in atproto-proxy header (expected <did>#<service-id>)") }
        if id.contains("#") { throw .invalidRequest("invalid atproto-proxy header: more than one '#'") }
        if value.contains(where: { $0.isWhitespace }) { throw .invalidRequest("atproto-proxy header cannot contain spaces") }
        guard DID.isValid(did) else { throw .invalidRequest("invalid DID in atproto-proxy header: \(did)") }
        guard id.utf8.count <= 128, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.:".contains($0)) }) else {
            throw .invalidRequest("invalid service id in atproto-proxy header: \(id)")
        }
        self.did = did
        serviceID = id
    }
}
