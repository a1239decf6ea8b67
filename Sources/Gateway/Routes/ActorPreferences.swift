import IPC
import IPLD
import Syntax

/// `app.bsky.actor.getPreferences` / `putPreferences`: stored per account by RepoService,
/// outside the repo.
enum ActorPreferences {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        routes.add(.query(try NSID("app.bsky.actor.getPreferences")) { req throws(XRPCError) in
            let who = try await auth.account(req.headers)
            do {
                let prefs = try await services.repo.getPreferences(.init(did: who.did))
                return .json(value: ["preferences": .array(prefs.preferences.map { embeddedJSON($0) })])
            } catch { throw XRPCError(any: error) }
        })
        routes.add(.procedure(try NSID("app.bsky.actor.putPreferences")) { req throws(XRPCError) in
            let who = try await auth.account(req.headers)
            let body = try req.jsonObject()
            guard case .array(let items)? = body["preferences"] else { throw .invalidRequest("Input must have the property \"preferences\"") }
            do {
                _ = try await services.repo.putPreferences(.init(did: who.did, preferences: items.map { DataModelJSON.string($0) }))
            } catch { throw XRPCError(any: error) }
            return .empty
        })
    }
}
