import Foundation
import Hummingbird
import Identity
import IPLD
import NIOCore

/// The PLC directory's HTTP API, as plc.directory serves it: submit an operation to
/// `POST /:did`; read the DID document (`GET /:did`), the operation log (`/log`), the audit
/// log (`/log/audit`), the last operation (`/log/last`) and the current data (`/data`).
public enum PLCDirectoryRoutes {
    /// Operations are small; anything larger is refused.
    static let maxOperationBytes = 16 * 1024

    public static func register(on router: Router<BasicRequestContext>, store: PLCStore) {
        router.post("/:did") { request, context -> Response in
            let did = try context.parameters.require("did")
            guard did.hasPrefix("did:plc:") else { return failure(400, "invalid DID: \(did)") }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: maxOperationBytes) } catch { return failure(400, "operation too large") }
            do {
                let op = try PLCOperation(try DataModelJSON.parse(Array(body.readableBytesView)))
                try await store.submit(did: did, op)
            } catch let e as PLCError {
                return failure(400, e.message)
            } catch let e as IPLDError {
                return failure(400, "invalid operation JSON: \(e.message)")
            }
            return Response(status: .ok)
        }
        router.get("/:did") { _, context -> Response in
            let did = try context.parameters.require("did")
            guard let log = try await store.log(did: did) else { return failure(404, "DID not registered: \(did)") }
            guard let state = log.state else { return failure(410, "DID not available: \(did)") }
            return json(DIDDocument(did: did, state: state).value)
        }
        router.get("/:did/data") { _, context -> Response in
            let did = try context.parameters.require("did")
            guard let log = try await store.log(did: did) else { return failure(404, "DID not registered: \(did)") }
            guard let state = log.state else { return failure(410, "DID not available: \(did)") }
            guard case .map(var m) = PLCOperation(kind: .update(state), prev: nil, sig: "").unsignedValue else { return failure(500, "bad state") }
            m["did"] = .string(did)
            m["type"] = nil
            m["prev"] = nil
            return json(.map(m))
        }
        router.get("/:did/log") { _, context -> Response in
            let did = try context.parameters.require("did")
            guard let log = try await store.log(did: did) else { return failure(404, "DID not registered: \(did)") }
            return json(.array(log.live.map(\.operation.value)))
        }
        router.get("/:did/log/last") { _, context -> Response in
            let did = try context.parameters.require("did")
            guard let last = try await store.log(did: did)?.live.last else { return failure(404, "DID not registered: \(did)") }
            return json(last.operation.value)
        }
        router.get("/:did/log/audit") { _, context -> Response in
            let did = try context.parameters.require("did")
            guard let log = try await store.log(did: did) else { return failure(404, "DID not registered: \(did)") }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return json(.array(log.entries.map { e in
                ["did": .string(did), "operation": e.operation.value, "cid": .string(e.cid.string),
                 "nullified": .bool(e.nullified), "createdAt": .string(formatter.string(from: e.createdAt))]
            }))
        }
        router.get("/_health") { _, _ -> Response in json(["version": "pdswift-plc"]) }
    }

    static func json(_ value: DataValue) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: DataModelJSON.serialize(value))))
    }

    static func failure(_ status: Int, _ message: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: DataModelJSON.serialize(["message": .string(message)]))))
    }
}
