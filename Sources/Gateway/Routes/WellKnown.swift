import Config
import Hummingbird
import IPC
import IPLD
import NIOCore

/// `/.well-known/atproto-did` (handle verification over HTTPS, answered by the Host header
/// for handles hosted here) and `/.well-known/did.json` (this PDS's own did:web document).
enum WellKnown {
    static func register<Context: RequestContext>(on router: Router<Context>, config: PDSConfig, services: ServiceConnections) {
        router.get("/.well-known/atproto-did") { request, _ -> Response in
            let host = (request.head.authority ?? "").split(separator: ":").first.map { String($0).lowercased() } ?? ""
            guard let resolved = try? await services.auth.resolveHandle(.init(handle: host)) else {
                return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "User not found")))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: resolved.did)))
        }
        let didDocument: DataValue = [
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": .string(config.serviceDID),
            "service": [["id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                         "serviceEndpoint": .string(config.publicURL.absoluteString)]],
        ]
        let body = ByteBuffer(bytes: DataModelJSON.serialize(didDocument))
        router.get("/.well-known/did.json") { _, _ -> Response in
            guard config.serviceDID.hasPrefix("did:web:") else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
    }
}
