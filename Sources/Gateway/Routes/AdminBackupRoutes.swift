import Foundation
import IPC
import Syntax

/// The backup procedures behind HTTP Basic `admin:PDS_ADMIN_PASSWORD`, for operators who
/// drive the PDS over HTTP rather than `pds backup` on the host:
/// `io.pdswift.admin.runBackup` and `io.pdswift.admin.runBackupDrill` (procedures; they answer
/// when the backup or drill has finished) and `io.pdswift.admin.getBackupStatus` (query).
enum AdminBackupRoutes {
    static func register(in routes: inout XRPCRoutes, services: ServiceConnections, auth: Authenticator) throws {
        let backup = services.backup
        routes.add(.procedure(try NSID("io.pdswift.admin.runBackup")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            do { return try .json(try await backup.runBackup(Empty())) } catch { throw XRPCError(any: error) }
        })
        routes.add(.procedure(try NSID("io.pdswift.admin.runBackupDrill")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            do { return try .json(try await backup.runDrill(Empty())) } catch { throw XRPCError(any: error) }
        })
        routes.add(.query(try NSID("io.pdswift.admin.getBackupStatus")) { req throws(XRPCError) in
            try auth.admin(req.headers)
            do { return try .json(try await backup.status(Empty())) } catch { throw XRPCError(any: error) }
        })
    }
}
