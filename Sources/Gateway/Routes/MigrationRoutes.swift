import Foundation
import HTTPTypes
import Hummingbird
import IPC
import IPLD
import NIOCore
import Syntax

/// The repo side of an account moving here: `com.atproto.server.reserveSigningKey`,
/// `com.atproto.identity.getRecommendedDidCredentials` and `com.atproto.repo.importRepo`
/// (the CAR streamed to RepoService piece by piece, verified there as a whole). A
/// deactivated account may call them: a migrating account is deactivated until it is done.
enum MigrationRoutes {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator, importLimit: Int) throws {
        routes.add(.procedure(try NSID("com.atproto.server.reserveSigningKey")) { req throws(XRPCError) in
            let body = req.body.readableBytes == 0 ? DataMap([]) : try req.jsonObject()
            let did = try body.optionalString("did")
            if let did, (try? DID(did)) == nil { throw .invalidRequest("Invalid DID: \(did)") }
            do {
                let key = try await services.repo.reserveSigningKey(.init(did: did))
                return .json(value: ["signingKey": .string(key.signingKey)])
            } catch { throw XRPCError(any: error) }
        })
        routes.add(.query(try NSID("com.atproto.identity.getRecommendedDidCredentials")) { req throws(XRPCError) in
            let who = try await auth.account(req)
            do {
                let answer = try await services.auth.identity(.init(step: .recommendedCredentials, did: who.did))
                return .json(value: embeddedJSON(answer.json))
            } catch { throw XRPCError(any: error) }
        })
        let importer = RepoImportClient(caller: services.repo.caller)
        routes.add(StreamingXRPCMethod(try NSID("com.atproto.repo.importRepo"), .procedure) { request in
            let who = try await auth.privilegedAccount(AuthenticatedRequest(request), nsid: "com.atproto.repo.importRepo", oauth: .account("repo", .manage))
            return try await importRepo(request, who: who, services: services, importer: importer, limit: importLimit)
        })
    }

    static func tooLarge(_ limit: Int) -> XRPCError {
        XRPCError(.contentTooLarge, "PayloadTooLarge", "The repo is over the import limit of \(limit) bytes (PDS_IMPORT_REPO_LIMIT)")
    }

    /// Streams the CAR to RepoService in pieces of up to 1 MiB, then has it verified and
    /// stored (`checkAccountStatus` then reports the counts). The commit may be signed by the DID's current key (read fresh from its
    /// document: the old PDS's, mid-migration) or by the account's key here (a re-import).
    static func importRepo(_ request: Request, who: AuthTypes.Credentials, services: ServiceConnections,
                           importer: RepoImportClient, limit: Int) async throws -> Response {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/vnd.ipld.car") {
            throw XRPCError.invalidRequest("Wrong request encoding (Content-Type): \(type); expected application/vnd.ipld.car")
        }
        let declared = request.headers[.contentLength].flatMap(Int.init)
        if let declared, declared > limit { throw tooLarge(limit) }
        let id: String
        do { id = try await importer.importStart(.init(did: who.did, limit: limit)).importID } catch { throw XRPCError(any: error) }
        do {
            var pending = ByteBuffer()
            var index = 0, total = 0
            func send(_ piece: ByteBuffer) async throws {
                _ = try await importer.importChunk(.init(importID: id, index: index, data: Data(piece.readableBytesView)))
                index += 1
            }
            for try await buffer in request.body {
                total += buffer.readableBytes
                if total > limit { throw tooLarge(limit) }
                var incoming = buffer
                pending.writeBuffer(&incoming)
                while pending.readableBytes >= RepoImportTypes.maxChunkBytes, let piece = pending.readSlice(length: RepoImportTypes.maxChunkBytes) {
                    try await send(piece)
                }
                if pending.readerIndex > 0 { pending.discardReadBytes() }
            }
            if let declared, total != declared { throw XRPCError.invalidRequest("Request body ended after \(total) of \(declared) bytes") }
            if total == 0 { throw XRPCError.invalidRequest("The request body is empty: send the repo as a CAR") }
            if pending.readableBytes > 0 { try await send(pending) }
            var keys = [String]()
            if let key = try? await services.auth.identity(.init(step: .resolveDID, did: who.did)).signingKey { keys.append(key) }
            _ = try await importer.importFinish(.init(importID: id, signingKeys: keys, announce: who.status == nil))
            // The lexicon defines no output: an empty 200, as the reference PDS answers.
            return Response(status: .ok)
        } catch {
            await Task { _ = try? await importer.importAbort(.init(importID: id)) }.value
            throw XRPCError(any: error)
        }
    }
}
