import IPC
import IPLD
import Syntax

/// Account lifecycle and identity changes: `com.atproto.server.deactivateAccount`,
/// `activateAccount`, `checkAccountStatus`, `com.atproto.identity.updateHandle`, and the
/// admin takedown `com.atproto.admin.updateSubjectStatus`.
enum AccountStatus {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        let authService = services.auth
        routes.add(XRPCMethod(try NSID("com.atproto.server.deactivateAccount"), .procedure, input: .json(maxBytes: 10_000)) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req, oauth: .account("status", .manage))
            do { _ = try await authService.setAccountStatus(.init(did: who.did, status: "deactivated")) } catch { throw XRPCError(any: error) }
            auth.forget(req.headers)
            services.accountStatus.forget(who.did)
            return .empty
        })
        routes.add(XRPCMethod(try NSID("com.atproto.server.activateAccount"), .procedure) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req, oauth: .account("status", .manage))
            guard who.status != "takendown" else { throw XRPCError(.badRequest, "AccountTakedown", "Account has been taken down") }
            do { _ = try await authService.setAccountStatus(.init(did: who.did, status: "active")) } catch { throw XRPCError(any: error) }
            auth.forget(req.headers)
            services.accountStatus.forget(who.did)
            return .empty
        })
        routes.add(.query(try NSID("com.atproto.server.checkAccountStatus")) { req throws(XRPCError) in
            let who = try await auth.account(req)
            do {
                async let described = services.repo.describeRepo(.init(did: who.did))
                async let blobs = services.blob.blobCounts(.init(did: who.did))
                // validDid: the DID document, read now, names this PDS and the account's key here.
                async let document = services.auth.identity(.init(step: .checkDocument, did: who.did))
                let (repo, counts, check) = try await (described, blobs, document)
                return .json(value: ["activated": .bool(who.status == nil), "validDid": .bool(check.valid ?? false),
                                     "repoCommit": .string(repo.head.cid), "repoRev": .string(repo.head.rev),
                                     "repoBlocks": .int(Int64(repo.blockCount)), "indexedRecords": .int(Int64(repo.recordCount)),
                                     "privateStateValues": 0, "expectedBlobs": .int(Int64(counts.expected)),
                                     "importedBlobs": .int(Int64(counts.imported))])
            } catch { throw XRPCError(any: error) }
        })
        routes.add(.procedure(try NSID("com.atproto.identity.updateHandle")) { req throws(XRPCError) in
            let who = try await auth.account(req)
            try auth.require(.identity("handle"), of: who)
            try await RateLimits.consume([.updateHandle], subject: who.did)
            let body = try req.jsonObject()
            do { _ = try await authService.updateHandle(.init(did: who.did, handle: try body.string("handle").lowercased())) } catch {
                throw XRPCError(any: error)
            }
            return .empty
        })
        routes.add(.procedure(try NSID("com.atproto.admin.updateSubjectStatus")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            let body = try req.jsonObject()
            guard case .map(let subject)? = body["subject"], case .string(let did)? = subject["did"] else {
                throw .invalidRequest("Only account subjects ({did}) are supported")
            }
            guard case .map(let takedown)? = body["takedown"], case .bool(let applied)? = takedown["applied"] else {
                throw .invalidRequest("Input must have takedown.applied")
            }
            do { _ = try await authService.setAccountStatus(.init(did: did, status: applied ? "takendown" : "active")) } catch {
                throw XRPCError(any: error)
            }
            services.accountStatus.forget(did)
            return .json(value: ["subject": .map(subject), "takedown": .map(takedown)])
        })
    }
}
