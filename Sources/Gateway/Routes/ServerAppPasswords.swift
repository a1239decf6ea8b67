import Foundation
import IPC
import IPLD
import Syntax

/// App passwords, invite codes and service auth under `com.atproto.server.*`.
enum ServerAppPasswords {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        let authService = services.auth, repo = services.repo
        routes.add(.procedure(try NSID("com.atproto.server.createAppPassword")) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req)
            let body = try req.jsonObject()
            let request = AuthTypes.CreateAppPasswordRequest(did: who.did, name: try body.string("name"),
                                                             privileged: try body.optionalBool("privileged") ?? false)
            let p: AuthTypes.AppPassword
            do { p = try await authService.createAppPassword(request) } catch { throw XRPCError(any: error) }
            return .json(value: ["name": .string(p.name), "password": .string(p.password ?? ""),
                                 "createdAt": .string(p.createdAt), "privileged": .bool(p.privileged)])
        })
        routes.add(.query(try NSID("com.atproto.server.listAppPasswords")) { req throws(XRPCError) in
            let who = try await auth.account(req)
            let list: AuthTypes.AppPasswordList
            do { list = try await authService.listAppPasswords(.init(did: who.did)) } catch { throw XRPCError(any: error) }
            return .json(value: ["passwords": .array(list.passwords.map {
                ["name": .string($0.name), "createdAt": .string($0.createdAt), "privileged": .bool($0.privileged)]
            })])
        })
        routes.add(.procedure(try NSID("com.atproto.server.revokeAppPassword")) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req)
            let body = try req.jsonObject()
            do { _ = try await authService.revokeAppPassword(.init(did: who.did, name: try body.string("name"))) } catch let e as XRPCError {
                throw e
            } catch let e as IPCError { throw XRPCError(e) } catch { throw .internalServerError() }
            return .empty
        })
        routes.add(.procedure(try NSID("com.atproto.server.createInviteCode")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            let body = try req.jsonObject()
            guard case .int(let uses)? = body["useCount"] else { throw .invalidRequest("Input must have the property \"useCount\"") }
            let codes: AuthTypes.InviteCodes
            do {
                codes = try await authService.createInviteCodes(.init(codeCount: 1, useCount: Int(uses),
                                                                      forAccount: try body.optionalString("forAccount") ?? "admin"))
            } catch let e as XRPCError { throw e } catch let e as IPCError { throw XRPCError(e) } catch { throw .internalServerError() }
            return .json(value: ["code": .string(codes.codes.first ?? "")])
        })
        routes.add(.query(try NSID("com.atproto.server.getServiceAuth")) { req throws(XRPCError) in
            let who = try await auth.account(req)
            let aud = try req.requiredParameter("aud")
            guard DID.isValid(aud.split(separator: "#").first.map(String.init) ?? aud) else {
                throw .invalidRequest("aud must be a valid atproto DID or did#serviceId reference")
            }
            let now = Int(Date().timeIntervalSince1970)
            var exp = now + 60
            if let e = req.parameter("exp") {
                guard let v = Int(e), v > now else { throw XRPCError(.badRequest, "BadExpiration", "expiration is in the past") }
                guard v - now <= 3600 else { throw XRPCError(.badRequest, "BadExpiration", "cannot request a token valid for more than an hour") }
                exp = v
            }
            let lxm = req.parameter("lxm")
            if let lxm, !NSID.isValid(lxm) { throw .invalidRequest("lxm must be an NSID") }
            if lxm == nil && exp - now > 60 {
                throw XRPCError(.badRequest, "BadExpiration", "cannot request a method-less token with an expiration more than a minute in the future")
            }
            if who.oauthScope != nil {
                if let lxm, ProxyRules.isProtected(lxm) { throw .invalidRequest("cannot request a service auth token for the following protected method: \(lxm)") }
                try auth.require(.rpc(lxm: lxm ?? "*", aud: aud), of: who)
            } else if let why = ProxyRules.serviceAuthRefusal(lxm: lxm, scope: who.scope) { throw .invalidRequest(why) }
            do {
                let token = try await repo.signServiceAuth(.init(did: who.did, aud: aud, lxm: lxm, exp: exp))
                return .json(value: ["token": .string(token.token)])
            } catch { throw XRPCError(any: error) }
        })
    }
}
