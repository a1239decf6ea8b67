import IPC
import IPLD
import Syntax

/// `app.bsky.actor.getPreferences` / `putPreferences`: stored per account by RepoService,
/// outside the repo. OAuth grants reach them as the reference has it: as calls to the AppView
/// (`rpc:app.bsky.actor.getPreferences?aud=<appview>#bsky_appview`, or `transition:generic`).
enum ActorPreferences {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator, appViewAudience: String) throws {
        routes.add(.query(try NSID("app.bsky.actor.getPreferences")) { req throws(XRPCError) in
            let who = try await auth.account(req)
            try auth.require(.rpc(lxm: "app.bsky.actor.getPreferences", aud: appViewAudience), of: who)
            do {
                let prefs = try await services.repo.getPreferences(.init(did: who.did))
                return .json(value: ["preferences": .array(prefs.preferences.map { embeddedJSON($0) })])
            } catch { throw XRPCError(any: error) }
        })
        routes.add(.procedure(try NSID("app.bsky.actor.putPreferences")) { req throws(XRPCError) in
            let who = try await auth.account(req)
            try auth.require(.rpc(lxm: "app.bsky.actor.putPreferences", aud: appViewAudience), of: who)
            let body = try req.jsonObject()
            guard case .array(let items)? = body["preferences"] else { throw .invalidRequest("Input must have the property \"preferences\"") }
            do {
                _ = try await services.repo.putPreferences(.init(did: who.did, preferences: items.map { DataModelJSON.string($0) }))
            } catch { throw XRPCError(any: error) }
            return .empty
        })
    }
}
