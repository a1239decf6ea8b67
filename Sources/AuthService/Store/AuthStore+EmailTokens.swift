import Foundation
import GRDB

extension AuthStore {
    /// How long an emailed token stays valid (the reference's 15 minutes).
    public static let emailTokenLifetime: TimeInterval = 15 * 60

    /// Issues a token for `purpose` (replacing an earlier one), in the reference's
    /// `XXXXX-XXXXX` shape.
    public func issueEmailToken(purpose: String, did: String) async throws -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let token = (0..<2).map { _ in String((0..<5).map { _ in alphabet.randomElement()! }) }.joined(separator: "-")
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO email_token (purpose, did, token, requestedAt) VALUES (?, ?, ?, ?)",
                           arguments: [purpose, did, token, Date().timeIntervalSince1970])
        }
        return token
    }

    /// Consumes a token: true when it matches and has not expired.
    public func consumeEmailToken(purpose: String, did: String, token: String) async throws -> Bool {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT token, requestedAt FROM email_token WHERE purpose = ? AND did = ?",
                                             arguments: [purpose, did]) else { return false }
            let stored: String = row["token"]
            let at: Double = row["requestedAt"]
            guard stored.uppercased() == token.uppercased(), Date().timeIntervalSince1970 - at < AuthStore.emailTokenLifetime else { return false }
            try db.execute(sql: "DELETE FROM email_token WHERE purpose = ? AND did = ?", arguments: [purpose, did])
            return true
        }
    }

    /// Marks the account's email confirmed, or changes it (unconfirmed).
    public func setEmail(did: String, email: String?, confirmed: Bool) async throws {
        try await pool.write { db in
            if let email, try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE email = ? AND did != ?", arguments: [email, did]) == true {
                throw AuthError.emailTaken
            }
            try db.execute(sql: "UPDATE account SET email = COALESCE(?, email), emailConfirmedAt = ? WHERE did = ?",
                           arguments: [email, confirmed ? AuthStore.now() : nil, did])
        }
    }
}

extension AuthStore {
    /// Consumes a token found by value (password reset, where the caller has no session).
    public func consumeEmailToken(purpose: String, token: String) async throws -> String? {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT did, requestedAt FROM email_token WHERE purpose = ? AND token = ?",
                                             arguments: [purpose, token.uppercased()]) else { return nil }
            guard Date().timeIntervalSince1970 - (row["requestedAt"] as Double) < AuthStore.emailTokenLifetime else { return nil }
            let did: String = row["did"]
            try db.execute(sql: "DELETE FROM email_token WHERE purpose = ? AND did = ?", arguments: [purpose, did])
            return did
        }
    }
}
