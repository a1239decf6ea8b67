import IPC
import IPLD
import Syntax

/// The emailed-token flows under `com.atproto.server.*`: email confirmation and change,
/// password reset, account deletion.
enum ServerEmailFlows {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        let authService = services.auth
        let flow: @Sendable (AuthTypes.EmailFlowRequest) async throws(XRPCError) -> AuthTypes.EmailFlowResponse = { request throws(XRPCError) in
            do { return try await authService.emailFlow(request) } catch { throw XRPCError(any: error) }
        }
        routes.add(XRPCMethod(try NSID("com.atproto.server.requestEmailConfirmation"), .procedure) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req, oauth: .account("email", .manage))
            _ = try await flow(.init(step: .requestEmailConfirmation, did: who.did))
            return .empty
        })
        routes.add(.procedure(try NSID("com.atproto.server.confirmEmail")) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req, oauth: .account("email", .manage))
            let body = try req.jsonObject()
            _ = try await flow(.init(step: .confirmEmail, did: who.did, email: try body.string("email"), token: try body.string("token")))
            return .empty
        })
        routes.add(XRPCMethod(try NSID("com.atproto.server.requestEmailUpdate"), .procedure) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req, oauth: .account("email", .manage))
            let out = try await flow(.init(step: .requestEmailUpdate, did: who.did))
            return .json(value: ["tokenRequired": .bool(out.tokenRequired ?? false)])
        })
        routes.add(.procedure(try NSID("com.atproto.server.updateEmail")) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req, oauth: .account("email", .manage))
            let body = try req.jsonObject()
            _ = try await flow(.init(step: .updateEmail, did: who.did, email: try body.string("email"), token: try body.optionalString("token")))
            return .empty
        })
        routes.add(.procedure(try NSID("com.atproto.server.requestPasswordReset")) { req throws(XRPCError) in
            let body = try req.jsonObject()
            _ = try await flow(.init(step: .requestPasswordReset, email: try body.string("email")))
            return .empty
        })
        routes.add(.procedure(try NSID("com.atproto.server.resetPassword")) { req throws(XRPCError) in
            let body = try req.jsonObject()
            _ = try await flow(.init(step: .resetPassword, token: try body.string("token"), password: try body.string("password")))
            return .empty
        })
        routes.add(XRPCMethod(try NSID("com.atproto.server.requestAccountDelete"), .procedure) { req throws(XRPCError) in
            let who = try await auth.privilegedAccount(req)
            _ = try await flow(.init(step: .requestAccountDelete, did: who.did))
            return .empty
        })
        routes.add(.procedure(try NSID("com.atproto.server.deleteAccount")) { req throws(XRPCError) in
            let body = try req.jsonObject()
            _ = try await flow(.init(step: .deleteAccount, did: try body.string("did"), token: try body.string("token"),
                                     password: try body.string("password")))
            services.accountStatus.forget(try body.string("did"))
            return .empty
        })
    }
}
