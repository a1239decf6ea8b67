import IPC
import IPLD
import Syntax

/// `com.atproto.server.*` for accounts and sessions: createAccount, createSession,
/// getSession, refreshSession, deleteSession.
enum ServerSessions {
    static func sessionJSON(_ s: AuthTypes.Session, includeDoc: Bool = true) -> DataValue {
        var m: [(String, DataValue)] = [("accessJwt", .string(s.accessJwt)), ("refreshJwt", .string(s.refreshJwt)),
                                        ("handle", .string(s.handle)), ("did", .string(s.did)), ("active", .bool(s.active))]
        if let e = s.email { m.append(("email", .string(e))) }
        if let c = s.emailConfirmed { m.append(("emailConfirmed", .bool(c))) }
        if let st = s.status { m.append(("status", .string(st))) }
        if includeDoc, s.didDocJSON != nil { m.append(("didDoc", embeddedJSON(s.didDocJSON))) }
        return .map(DataMap(m))
    }

    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        let authService = services.auth
        routes.add(.procedure(try NSID("com.atproto.server.createAccount")) { req throws(XRPCError) in
            let body = try req.jsonObject()
            let did = try body.optionalString("did")
            if body["plcOp"] != nil && body["plcOp"] != .null { throw .invalidRequest("Unsupported input: \"plcOp\"") }
            // With an existing DID (an account migrating here) the bearer token is a
            // service-auth JWT from that DID, checked by AuthService against its document.
            let serviceAuth = did == nil ? nil : try? Authenticator.bearer(req.headers)
            let request = AuthTypes.CreateAccountRequest(handle: try body.string("handle"), email: try body.optionalString("email"),
                                                         password: try body.optionalString("password"),
                                                         inviteCode: try body.optionalString("inviteCode"),
                                                         recoveryKey: try body.optionalString("recoveryKey"),
                                                         did: did, serviceAuth: serviceAuth)
            do { return .json(value: sessionJSON(try await authService.createAccount(request))) } catch { throw XRPCError(any: error) }
        })
        routes.add(.procedure(try NSID("com.atproto.server.createSession")) { req throws(XRPCError) in
            let body = try req.jsonObject()
            let request = AuthTypes.CreateSessionRequest(identifier: try body.string("identifier"), password: try body.string("password"))
            try await RateLimits.consume([.createSession, .createSessionDaily], subject: request.identifier.lowercased())
            do { return .json(value: sessionJSON(try await authService.createSession(request))) } catch { throw XRPCError(any: error) }
        })
        routes.add(XRPCMethod(try NSID("com.atproto.server.refreshSession"), .procedure) { req throws(XRPCError) in
            let token = try Authenticator.bearer(req.headers)
            do { return .json(value: sessionJSON(try await authService.refreshSession(.init(token: token)), includeDoc: false)) } catch {
                throw XRPCError(any: error)
            }
        })
        routes.add(XRPCMethod(try NSID("com.atproto.server.deleteSession"), .procedure) { req throws(XRPCError) in
            let token = try Authenticator.bearer(req.headers)
            do { _ = try await authService.deleteSession(.init(token: token)) } catch { throw XRPCError(any: error) }
            return .empty
        })
        routes.add(.query(try NSID("com.atproto.server.getSession")) { req throws(XRPCError) in
            let who = try await auth.account(req)
            let a: AuthTypes.AccountInfo
            do { a = try await authService.getAccount(.init(did: who.did, includeDidDoc: true)) } catch { throw XRPCError(any: error) }
            var m: [(String, DataValue)] = [("handle", .string(a.handle)), ("did", .string(a.did)), ("active", .bool(a.active)),
                                            ("emailConfirmed", .bool(a.emailConfirmed))]
            // An OAuth grant sees the email only with account:email (or transition:email).
            if let e = a.email, auth.allows(.account("email", .read), who) { m.append(("email", .string(e))) }
            if let s = a.status { m.append(("status", .string(s))) }
            if a.didDocJSON != nil { m.append(("didDoc", embeddedJSON(a.didDocJSON))) }
            return .json(value: .map(DataMap(m)))
        })
    }
}
