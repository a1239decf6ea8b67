import IPC

/// An account's hosting status as the sync endpoints report it (`active`, `status`).
struct SyncAccountStatus: Sendable, Equatable {
    var active: Bool
    /// `deactivated`, `takendown`, `suspended`… when not active.
    var status: String?

    /// The status of `did`, whose repo exists.
    ///
    /// TODO(AuthService): account status (active/deactivated/takendown) is AuthService's. Until
    /// it serves it over IPC, every existing repo is reported active; replace this body with a
    /// call to AuthService and the sync routes pick it up (including the refusals below).
    static func of(_ did: String, services: ServiceConnections) async throws(XRPCError) -> SyncAccountStatus {
        SyncAccountStatus(active: true, status: nil)
    }

    /// Refuses reads of a repo that is not active, with the reference PDS's error names.
    static func requireActive(_ did: String, services: ServiceConnections) async throws(XRPCError) {
        let status = try await of(did, services: services)
        guard !status.active else { return }
        switch status.status {
        case "takendown": throw XRPCError(.badRequest, "RepoTakendown", "Repo has been takendown: \(did)")
        case "suspended": throw XRPCError(.badRequest, "RepoSuspended", "Repo has been suspended: \(did)")
        default: throw XRPCError(.badRequest, "RepoDeactivated", "Repo has been deactivated: \(did)")
        }
    }
}
