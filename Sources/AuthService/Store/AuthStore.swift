import Foundation
import GRDB
import Synchronization
import Storage

/// `auth.sqlite`: accounts, passwords, app passwords, refresh tokens, invite codes and
/// email tokens. Only AuthService opens it.
public final class AuthStore: Sendable {
    let pool: DatabasePool
    /// Bumped by every write that may end an OAuth session or change an account's status, so
    /// AuthService and gateways may keep what a DPoP check looked up until the next such write.
    /// It starts at the start time in microseconds, so a restart never reuses an old value.
    public let oauthEpoch = Atomic<Int>(Int(Date().timeIntervalSince1970 * 1_000_000))

    func bumpOAuthEpoch() { oauthEpoch.add(1, ordering: .sequentiallyConsistent) }

    public init(path: String, options: SQLiteOptions = SQLiteOptions()) throws {
        pool = try DatabasePool(path: path, configuration: options.configuration)
        try AuthStoreSchema.migrator.migrate(pool)
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    // MARK: Accounts

    /// Records a new account, consuming `inviteCode` when given, and ends its pending
    /// creation, in one transaction.
    public func createAccount(did: String, handle: String, email: String?, passwordScrypt: String,
                              inviteCode: String?, status: Account.Status = .active) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE handle = ?", arguments: [handle]) == true {
                throw AuthError.handleNotAvailable()
            }
            if let email, try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE email = ?", arguments: [email]) == true {
                throw AuthError.emailTaken
            }
            if let inviteCode { try AuthStore.useInvite(inviteCode, by: did, db: db) }
            try db.execute(sql: """
                INSERT INTO account (did, handle, email, passwordScrypt, createdAt, status, deactivatedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [did, handle, email, passwordScrypt, AuthStore.now(), status.rawValue,
                                 status == .active ? nil : AuthStore.now()])
            try db.execute(sql: "DELETE FROM pending_account WHERE handle = ?", arguments: [handle])
        }
    }

    /// Removes an account that could not be completed (its other steps failed).
    public func removeAccount(did: String) async throws {
        try await pool.write { db in
            for table in ["app_password", "refresh_token", "email_token", "oauth_session", "oauth_authorized_client", "oauth_device_account"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE did = ?", arguments: [did])
            }
            try db.execute(sql: "DELETE FROM invite_code_use WHERE usedBy = ?", arguments: [did])
            try db.execute(sql: "DELETE FROM account WHERE did = ?", arguments: [did])
        }
        bumpOAuthEpoch()
    }

    /// The account a login identifier (handle, email or DID) names.
    public func account(identifier: String) async throws -> Account? {
        let id = identifier.lowercased()
        return try await pool.read { db in
            let column = id.hasPrefix("did:") ? "did" : id.contains("@") ? "email" : "handle"
            return try Row.fetchOne(db, sql: "SELECT * FROM account WHERE \(column) = ?", arguments: [column == "did" ? identifier : id])
                .map(Account.init(row:))
        }
    }

    /// Sets the account's status (deactivate, reactivate, takedown, delete).
    public func setStatus(did: String, _ status: Account.Status) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE account SET status = ?, deactivatedAt = ? WHERE did = ?",
                           arguments: [status.rawValue, status == .active ? nil : AuthStore.now(), did])
            guard db.changesCount == 1 else { throw AuthError.accountNotFound }
            // Deactivation and takedown end every OAuth grant (as the reference does).
            if status != .active { try AuthStore.endOAuthSessions(did: did, db: db) }
        }
        bumpOAuthEpoch()
    }

    /// Changes the stored password hash and ends every session.
    public func setPassword(did: String, passwordScrypt: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE account SET passwordScrypt = ? WHERE did = ?", arguments: [passwordScrypt, did])
            try db.execute(sql: "DELETE FROM refresh_token WHERE did = ?", arguments: [did])
            try AuthStore.endOAuthSessions(did: did, db: db)
        }
        bumpOAuthEpoch()
    }

    // MARK: Invite codes

    /// Creates invite codes for `forAccount` (or "admin").
    public func createInviteCodes(count: Int, uses: Int, forAccount: String, createdBy: String) async throws -> [String] {
        try await pool.write { db in
            (0..<count).map { _ in InviteCode.generate() }.map { code in
                try? db.execute(sql: "INSERT INTO invite_code (code, availableUses, forAccount, createdBy, createdAt) VALUES (?, ?, ?, ?, ?)",
                                arguments: [code, uses, forAccount, createdBy, AuthStore.now()])
                return code
            }
        }
    }

    static func useInvite(_ code: String, by did: String, db: Database) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT availableUses, disabled FROM invite_code WHERE code = ?", arguments: [code]),
              (row["disabled"] as Int) == 0 else {
            throw AuthError.invalidInviteCode("Provided invite code not available")
        }
        let used = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invite_code_use WHERE code = ?", arguments: [code]) ?? 0
        guard used < (row["availableUses"] as Int) else { throw AuthError.invalidInviteCode("Provided invite code not available") }
        try db.execute(sql: "INSERT INTO invite_code_use (code, usedBy, usedAt) VALUES (?, ?, ?)", arguments: [code, did, now()])
    }
}

/// Invite codes in the reference's shape: `host-xxxxx-xxxxx`.
enum InviteCode {
    static func generate(host: String = "pdswift") -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        func chunk() -> String { String((0..<5).map { _ in alphabet.randomElement()! }) }
        return "\(host)-\(chunk())-\(chunk())"
    }
}

extension AuthStore {
    /// A consistent snapshot of this database at `destination` (for backups), taken while
    /// writes continue.
    public func snapshot(to destination: URL) throws -> SQLiteSnapshot.Result {
        try SQLiteSnapshot.write(pool, to: destination)
    }
}

extension AuthStore {
    /// Changes an account's handle (after its DID document was updated).
    public func setHandle(did: String, handle: String) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE handle = ? AND did != ?", arguments: [handle, did]) == true {
                throw AuthError.handleNotAvailable()
            }
            try db.execute(sql: "UPDATE account SET handle = ? WHERE did = ?", arguments: [handle, did])
        }
    }
}
