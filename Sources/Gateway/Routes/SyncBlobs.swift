import Foundation
import HTTPTypes
import Hummingbird
import IPC
import IPLD
import NIOCore
import Syntax

/// `com.atproto.sync.getBlob` (streamed from BlobService 1 MiB at a time, with HTTP ranges)
/// and `com.atproto.sync.listBlobs`. Both are public reads of repos hosted here.
enum SyncBlobs {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections) throws {
        let blob = services.blob
        routes.add(StreamingXRPCMethod(try NSID("com.atproto.sync.getBlob"), .query) { request in
            let parameters = XRPCDispatcher<BasicRequestContext>.parameters(request)
            func required(_ name: String) throws(XRPCError) -> String {
                guard let v = parameters[name]?.first, !v.isEmpty else { throw .invalidRequest("Error: Params must have the property \"\(name)\"") }
                return v
            }
            let did = try required("did"), cid = try required("cid")
            guard DID.isValid(did) else { throw XRPCError.invalidRequest("Invalid DID: \(did)") }
            _ = try await RepoReads.resolve(did, services, headers: request.headers)
            let info: BlobTypes.BlobInfo
            do { info = try await blob.blobInfo(.init(did: did, cid: cid, range: request.headers[.range])) } catch {
                throw XRPCError(any: error)
            }
            return download(info, did: did, blob: blob)
        })
        routes.add(.query(try NSID("com.atproto.sync.listBlobs")) { req throws(XRPCError) in
            let did = try req.requiredParameter("did")
            guard DID.isValid(did) else { throw .invalidRequest("Invalid DID: \(did)") }
            _ = try await RepoReads.resolve(did, services, headers: req.headers)
            let limit = try limit(req, default: 500, max: 1000)
            if let since = req.parameter("since"), !TID.isValid(since) { throw .invalidRequest("Invalid since: \(since)") }
            do {
                let page = try await blob.listBlobs(.init(did: did, since: req.parameter("since"), cursor: req.parameter("cursor"), limit: limit))
                var m: [(String, DataValue)] = [("cids", .array(page.cids.map { .string($0) }))]
                if let c = page.cursor { m.append(("cursor", .string(c))) }
                return .json(value: .map(DataMap(m)))
            } catch { throw XRPCError(any: error) }
        })
    }

    /// The `limit` parameter: 1…`max`, `default` when absent.
    static func limit(_ req: XRPCRequest, default value: Int, max: Int) throws(XRPCError) -> Int {
        guard let l = req.parameter("limit") else { return value }
        guard let v = Int(l), (1...max).contains(v) else { throw .invalidRequest("limit must be an integer from 1 to \(max)") }
        return v
    }

    /// The answer: BlobService's status and headers, and a body read in pieces of 1 MiB. The
    /// next piece is requested while the current one is written, so the client's connection
    /// and the IPC round trip overlap; at most two pieces are held at once.
    static func download(_ info: BlobTypes.BlobInfo, did: String, blob: BlobServiceClient) -> Response {
        var headers = HTTPFields()
        for field in info.headers where field.count == 2 {
            if let name = HTTPField.Name(field[0]) { headers[name] = field[1] }
        }
        let end = info.offset + info.length
        let cid = info.blob.cid
        @Sendable func read(_ offset: Int64) -> Task<Data, any Error> {
            Task {
                let length = Int(min(Int64(BlobTypes.maxChunkBytes), end - offset))
                return try await blob.readBlob(.init(did: did, cid: cid, offset: offset, length: length)).data
            }
        }
        let body = ResponseBody(contentLength: Int(info.length)) { writer in
            var offset = info.offset
            var pending: Task<Data, any Error>? = offset < end ? read(offset) : nil
            while let current = pending {
                let data: Data
                do { data = try await current.value } catch { throw XRPCError(any: error) }
                // A short read means the blob changed under us; stop rather than loop.
                guard !data.isEmpty else { throw XRPCError.internalServerError("blob read returned no bytes") }
                offset += Int64(data.count)
                pending = offset < end ? read(offset) : nil
                do { try await writer.write(ByteBuffer(bytes: data)) } catch {
                    pending?.cancel()
                    throw error
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: HTTPResponse.Status(code: info.status), headers: headers, body: body)
    }
}
