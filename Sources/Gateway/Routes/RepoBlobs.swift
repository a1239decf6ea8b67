import Foundation
import HTTPTypes
import Hummingbird
import IPC
import IPLD
import NIOCore
import Syntax

/// `com.atproto.repo.uploadBlob` (streamed to BlobService piece by piece) and
/// `com.atproto.repo.listMissingBlobs`.
enum RepoBlobs {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator, uploadLimit: Int) throws {
        let blob = services.blob
        routes.add(StreamingXRPCMethod(try NSID("com.atproto.repo.uploadBlob"), .procedure) { request in
            // A deactivated account may upload: one migrating here uploads its blobs before it activates.
            let who = try await auth.account(AuthenticatedRequest(request))
            try auth.require(.blob(mime: request.headers[.contentType] ?? "application/octet-stream"), of: who)
            return try await upload(request, did: who.did, blob: blob, limit: uploadLimit)
        })
        routes.add(.query(try NSID("com.atproto.repo.listMissingBlobs")) { req throws(XRPCError) in
            let who = try await auth.account(req)
            let limit = try SyncBlobs.limit(req, default: 500, max: 1000)
            do {
                let page = try await blob.listMissingBlobs(.init(did: who.did, cursor: req.parameter("cursor"), limit: limit))
                var m: [(String, DataValue)] = [("blobs", .array(page.blobs.map { ["cid": .string($0.cid), "recordUri": .string($0.recordUri)] }))]
                if let c = page.cursor { m.append(("cursor", .string(c))) }
                return .json(value: .map(DataMap(m)))
            } catch { throw XRPCError(any: error) }
        })
    }

    /// 413 for a body over the limit, named as BlobService names it.
    static func tooLarge(_ limit: Int) -> XRPCError {
        XRPCError(.contentTooLarge, "BlobTooLarge", "This file is too large. It is \(limit) bytes at most.")
    }

    /// Streams the request body into an upload: pieces of up to 1 MiB are handed to BlobService
    /// as they fill, each call waiting until the service has room, so neither process holds
    /// more than a few pieces. Any failure — over the limit, the client going away, a
    /// service error — aborts the upload, which removes its spool file.
    static func upload(_ request: Request, did: String, blob: BlobServiceClient, limit: Int) async throws -> Response {
        let declared = request.headers[.contentLength].flatMap(Int.init)
        if let declared, declared > limit { throw tooLarge(limit) }
        if declared == 0 { throw XRPCError.invalidRequest("Request body is empty") }
        let id: String
        do { id = try await blob.uploadStart(.init(did: did, mimeType: request.headers[.contentType])).uploadID } catch {
            throw XRPCError(any: error)
        }
        do {
            var pending = ByteBuffer()
            var index = 0, total = 0
            func send(_ piece: ByteBuffer) async throws {
                _ = try await blob.uploadChunk(.init(uploadID: id, index: index, data: Data(piece.readableBytesView)))
                index += 1
            }
            for try await buffer in request.body {
                total += buffer.readableBytes
                if total > limit { throw tooLarge(limit) }
                var incoming = buffer
                pending.writeBuffer(&incoming)
                while pending.readableBytes >= BlobTypes.maxChunkBytes, let piece = pending.readSlice(length: BlobTypes.maxChunkBytes) {
                    try await send(piece)
                }
                // Once per piece sent: move the remainder to the front instead of growing for ever.
                if pending.readerIndex > 0 { pending.discardReadBytes() }
            }
            // A body that ended before its declared length is a client that went away.
            if let declared, total != declared { throw XRPCError.invalidRequest("Request body ended after \(total) of \(declared) bytes") }
            if total == 0 { throw XRPCError.invalidRequest("Request body is empty") }
            if pending.readableBytes > 0 { try await send(pending) }
            let ref = try await blob.uploadFinish(.init(uploadID: id))
            return jsonResponse(.map(DataMap([("blob", blobRefJSON(ref))])))
        } catch {
            // Not in this task: it may be cancelled (the client is gone), and the abort must still go out.
            await Task { _ = try? await blob.uploadAbort(.init(uploadID: id)) }.value
            throw XRPCError(any: error)
        }
    }

    /// A blob ref as records and `uploadBlob` write it.
    static func blobRefJSON(_ ref: BlobTypes.BlobRef) -> DataValue {
        ["$type": .string("blob"), "ref": ["$link": .string(ref.cid)], "mimeType": .string(ref.mimeType), "size": .int(ref.size)]
    }

    static func jsonResponse(_ value: DataValue) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: DataModelJSON.serialize(value))))
    }
}
