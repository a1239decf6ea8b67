import IPC
import IPLD
import Syntax

/// The operator's endpoints behind HTTP Basic `admin:PDS_ADMIN_PASSWORD` (what `pds admin`
/// calls): `com.atproto.admin.getAccountInfos`, `deleteAccount`, `updateAccountPassword`,
/// `com.atproto.server.createInviteCodes`, and PDSwift's own `io.pdswift.admin.listAccounts`.
/// Takedowns go through `com.atproto.admin.updateSubjectStatus` (AccountStatus.swift).
enum AdminRoutes {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        let authService = services.auth
        routes.add(.query(try NSID("com.atproto.admin.getAccountInfos")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            guard let dids = req.parameters["dids"], !dids.isEmpty else { throw .invalidRequest("Error: Params must have the property \"dids\"") }
            var infos: [DataValue] = []
            for did in dids {
                // Unknown DIDs are left out, as the reference does.
                guard let a = try? await authService.getAccount(.init(did: did)) else { continue }
                var m: [(String, DataValue)] = [("did", .string(a.did)), ("handle", .string(a.handle)),
                                                ("indexedAt", .string("1970-01-01T00:00:00.000Z"))]
                if let e = a.email { m.append(("email", .string(e))) }
                if let s = a.status { m.append(("status", .string(s))) }
                infos.append(.map(DataMap(m)))
            }
            return .json(value: ["infos": .array(infos)])
        })
        routes.add(.query(try NSID("io.pdswift.admin.listAccounts")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            let limit = req.parameter("limit").flatMap(Int.init) ?? 100
            guard (1...1000).contains(limit) else { throw .invalidRequest("limit must be 1 to 1000") }
            do {
                let page = try await authService.listAccounts(.init(limit: limit, cursor: req.parameter("cursor")))
                var out: [(String, DataValue)] = [("accounts", .array(page.accounts.map { a in
                    var m: [(String, DataValue)] = [("did", .string(a.did)), ("handle", .string(a.handle)),
                                                    ("status", .string(a.status)), ("createdAt", .string(a.createdAt))]
                    if let e = a.email { m.append(("email", .string(e))) }
                    return .map(DataMap(m))
                }))]
                if let c = page.cursor { out.append(("cursor", .string(c))) }
                return .json(value: .map(DataMap(out)))
            } catch { throw XRPCError(any: error) }
        })
        routes.add(.procedure(try NSID("com.atproto.admin.deleteAccount")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            let did = try req.jsonObject().string("did")
            do { _ = try await authService.adminDeleteAccount(.init(did: did)) } catch { throw XRPCError(any: error) }
            services.accountStatus.forget(did)
            return .empty
        })
        routes.add(.procedure(try NSID("com.atproto.admin.updateAccountPassword")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            let body = try req.jsonObject()
            do { _ = try await authService.adminSetPassword(.init(did: try body.string("did"), password: try body.string("password"))) } catch {
                throw XRPCError(any: error)
            }
            return .empty
        })
        routes.add(.procedure(try NSID("com.atproto.server.createInviteCodes")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            let body = try req.jsonObject()
            guard case .int(let uses)? = body["useCount"] else { throw .invalidRequest("Input must have the property \"useCount\"") }
            var count: Int64 = 1
            if case .int(let n)? = body["codeCount"] { count = n }
            var accounts = ["admin"]
            if case .array(let list)? = body["forAccounts"] { accounts = list.compactMap(\.stringValue) }
            var results: [DataValue] = []
            for account in accounts {
                do {
                    let codes = try await authService.createInviteCodes(.init(codeCount: Int(count), useCount: Int(uses), forAccount: account))
                    results.append(["account": .string(account), "codes": .array(codes.codes.map { .string($0) })])
                } catch { throw XRPCError(any: error) }
            }
            return .json(value: ["codes": .array(results)])
        })
    }
}
