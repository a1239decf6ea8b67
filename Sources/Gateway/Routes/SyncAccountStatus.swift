import HTTPTypes
import IPC

/// An account's hosting status as the sync endpoints report it (`active`, `status`).
struct SyncAccountStatus: Sendable, Equatable {
    var active: Bool
    /// `deactivated`, `takendown`, `suspended`… when not active.
    var status: String?

    /// The status of `did`, as AuthService (the authority on accounts) knows it. A repo
    /// without an account row (one being created) counts as active.
    static func of(_ did: String, services: ServiceConnections) async throws(XRPCError) -> SyncAccountStatus {
        do {
            let account = try await services.auth.getAccount(.init(did: did))
            return SyncAccountStatus(active: account.active, status: account.status)
        } catch IPCError.remote(name: "AccountNotFound", _) {
            return SyncAccountStatus(active: true, status: nil)
        } catch {
            throw XRPCError(any: error)
        }
    }

    /// Refuses reads of a repo that is not active, with the reference PDS's error names.
    /// A deactivated account's own access token still reads it (the account exports its
    /// repo to move, as the reference PDS allows its owner).
    static func requireActive(_ did: String, services: ServiceConnections, headers: HTTPFields? = nil) async throws(XRPCError) {
        let status = try await of(did, services: services)
        guard !status.active else { return }
        if status.status == "deactivated", await isOwner(did, headers: headers, services: services) { return }
        switch status.status {
        case "takendown": throw XRPCError(.badRequest, "RepoTakendown", "Repo has been takendown: \(did)")
        case "suspended": throw XRPCError(.badRequest, "RepoSuspended", "Repo has been suspended: \(did)")
        default: throw XRPCError(.badRequest, "RepoDeactivated", "Repo has been deactivated: \(did)")
        }
    }

    /// Whether the request carries an access token of `did` itself.
    static func isOwner(_ did: String, headers: HTTPFields?, services: ServiceConnections) async -> Bool {
        guard let headers, let token = try? Authenticator.bearer(headers),
              let credentials = try? await services.auth.verifyAccess(.init(token: token)) else { return false }
        return credentials.did == did
    }
}
