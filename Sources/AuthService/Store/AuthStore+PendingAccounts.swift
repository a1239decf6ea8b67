import Foundation
import GRDB

/// An account creation that has started and not finished: what it holds and how far it got.
public struct PendingAccount: Sendable, Equatable {
    /// How far a creation got. Each is recorded BEFORE the step it names runs, so a crash
    /// during the step is undone as if the step had finished (every undo is idempotent).
    public enum Step: String, Sendable, Comparable, CaseIterable {
        /// The handle is held; nothing exists elsewhere.
        case claimed
        /// RepoService reserved a signing key (`signingKey`).
        case keyReserved
        /// The did:plc genesis operation (for `did`) is being submitted.
        case plcSubmitting
        /// The repo for `did` is being created.
        case repoCreating

        public static func < (a: Step, b: Step) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public let handle: String
    public var did: String?
    public var signingKey: String?
    public var step: Step
}

extension AuthStore {
    /// Holds `handle` for a new account; `HandleNotAvailable` if an account or another
    /// creation holds it.
    public func claimPendingAccount(handle: String) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE handle = ?", arguments: [handle]) == true {
                throw AuthError.handleNotAvailable()
            }
            do {
                try db.execute(sql: "INSERT INTO pending_account (handle, step, startedAt) VALUES (?, ?, ?)",
                               arguments: [handle, PendingAccount.Step.claimed.rawValue, AuthStore.now()])
            } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
                throw AuthError.handleNotAvailable()
            }
        }
    }

    /// Records how far the creation holding `handle` got.
    public func advancePendingAccount(handle: String, to step: PendingAccount.Step, did: String? = nil, signingKey: String? = nil) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE pending_account SET step = ?, did = COALESCE(?, did), signingKey = COALESCE(?, signingKey) WHERE handle = ?
                """, arguments: [step.rawValue, did, signingKey, handle])
        }
    }

    /// The creation holding `handle`, if any.
    public func pendingAccount(handle: String) async throws -> PendingAccount? {
        // Mapped inside: Row is not Sendable, and only Sendable results take the async read.
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM pending_account WHERE handle = ?", arguments: [handle]).map(Self.pending) }
    }

    /// Every unfinished creation.
    public func pendingAccounts() async throws -> [PendingAccount] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM pending_account ORDER BY startedAt").map(Self.pending) }
    }

    /// Lets go of `handle` (its creation was undone).
    public func removePendingAccount(handle: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM pending_account WHERE handle = ?", arguments: [handle]) }
    }

    static func pending(_ row: Row) -> PendingAccount {
        PendingAccount(handle: row["handle"], did: row["did"], signingKey: row["signingKey"],
                       step: PendingAccount.Step(rawValue: row["step"]) ?? .repoCreating)
    }
}
