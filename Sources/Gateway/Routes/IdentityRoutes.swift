import IPC
import IPLD
import Syntax

/// `com.atproto.identity.*` beyond handles: the PLC operation methods of a migration
/// (`requestPlcOperationSignature`, `signPlcOperation`, `submitPlcOperation`) and identity
/// resolution (`resolveDid`, `resolveIdentity`, `refreshIdentity`), all answered by
/// AuthService, which reads DID documents fresh from the PLC directory or the did:web host.
enum IdentityRoutes {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        let authService = services.auth
        routes.add(XRPCMethod(try NSID("com.atproto.identity.requestPlcOperationSignature"), .procedure) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req, oauth: .identity("*"))
            do { _ = try await authService.identity(.init(step: .requestPLCSignature, did: who.did)) } catch { throw XRPCError(any: error) }
            return .empty
        })
        routes.add(XRPCMethod.procedure(try NSID("com.atproto.identity.signPlcOperation")) { req throws(XRPCError) -> XRPCResponse in
            let who = try await auth.privilegedAccount(req, oauth: .identity("*"))
            let body = try req.jsonObject()
            do {
                let signed = try await authService.identity(.init(step: .signPLCOperation, did: who.did, token: try body.optionalString("token"),
                                                                  json: DataModelJSON.string(.map(body))))
                return .json(value: ["operation": embeddedJSON(signed.json)])
            } catch {
                // An emailed token that does not match is a 400, as the reference PDS answers
                // it (the same name on a bearer token is a 401).
                if case IPCError.remote("InvalidToken", let message)? = error as? IPCError { throw XRPCError(.badRequest, "InvalidToken", message) }
                throw XRPCError(any: error)
            }
        })
        routes.add(.procedure(try NSID("com.atproto.identity.submitPlcOperation")) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req, oauth: .identity("*"))
            let body = try req.jsonObject()
            guard case .map(let operation)? = body["operation"] else { throw .invalidRequest("Input must have the property \"operation\"") }
            do {
                _ = try await authService.identity(.init(step: .submitPLCOperation, did: who.did, json: DataModelJSON.string(.map(operation))))
            } catch { throw XRPCError(any: error) }
            services.accountStatus.forget(who.did)
            return .empty
        })
        routes.add(.query(try NSID("com.atproto.identity.resolveDid")) { req throws(XRPCError) in
            let did = try req.requiredParameter("did")
            guard (try? DID(did)) != nil else { throw .invalidRequest("Invalid DID: \(did)") }
            let resolved = try await resolve(did, services: services)
            return .json(value: ["didDoc": embeddedJSON(resolved.json)])
        })
        routes.add(.query(try NSID("com.atproto.identity.resolveIdentity")) { req throws(XRPCError) in
            .json(value: try await identityInfo(try req.requiredParameter("identifier"), services: services))
        })
        routes.add(.procedure(try NSID("com.atproto.identity.refreshIdentity")) { req throws(XRPCError) in
            // Nothing is cached here: every resolution reads the current document.
            .json(value: try await identityInfo(try req.jsonObject().string("identifier"), services: services))
        })
    }

    /// The DID's current document, with the lexicon's error names.
    static func resolve(_ did: String, services: ServiceConnections) async throws(XRPCError) -> AuthTypes.IdentityResponse {
        do { return try await services.auth.identity(.init(step: .resolveDID, did: did)) } catch {
            if case .remote("DidNotFound", let message) = error { throw XRPCError(.badRequest, "DidNotFound", message) }
            throw XRPCError(any: error)
        }
    }

    /// `identityInfo`: the DID, its document, and the handle when it resolves back to the
    /// DID (`handle.invalid` otherwise), as the lexicon describes.
    static func identityInfo(_ identifier: String, services: ServiceConnections) async throws(XRPCError) -> DataValue {
        let did: String
        var verifiedHandle: String? = nil
        if identifier.hasPrefix("did:") {
            guard (try? DID(identifier)) != nil else { throw .invalidRequest("Invalid DID: \(identifier)") }
            did = identifier
        } else {
            guard let handle = try? Handle(identifier) else { throw .invalidRequest("Invalid handle: \(identifier)") }
            do {
                did = try await services.auth.resolveHandle(.init(handle: handle.string, remote: true)).did
            } catch {
                throw XRPCError(.badRequest, "HandleNotFound", "Unable to resolve handle: \(handle.string)")
            }
            verifiedHandle = handle.string
        }
        let resolved = try await resolve(did, services: services)
        let document = embeddedJSON(resolved.json)
        var claimed: String? = nil
        if case .map(let doc) = document, case .array(let aliases)? = doc["alsoKnownAs"] {
            claimed = aliases.lazy.compactMap { alias -> String? in
                guard case .string(let s) = alias, s.hasPrefix("at://") else { return nil }
                return String(s.dropFirst(5)).lowercased()
            }.first
        }
        var handle = "handle.invalid"
        if let claimed {
            if let verifiedHandle {
                if claimed == verifiedHandle { handle = claimed }
            } else if let back = try? await services.auth.resolveHandle(.init(handle: claimed, remote: true)), back.did == did {
                handle = claimed
            }
        }
        return ["did": .string(did), "handle": .string(handle), "didDoc": document]
    }
}
