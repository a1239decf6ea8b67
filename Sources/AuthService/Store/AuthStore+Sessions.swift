import Foundation
import GRDB

extension AuthStore {
    /// How long a used refresh token keeps working (the reference's grace period).
    public static let refreshGrace: TimeInterval = 2 * 3600

    /// Records a new refresh token.
    public func storeRefreshToken(id: String, did: String, appPasswordName: String?, expiresAt: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO refresh_token (id, did, appPasswordName, expiresAt) VALUES (?, ?, ?, ?)",
                           arguments: [id, did, appPasswordName, expiresAt.timeIntervalSince1970])
        }
    }

    /// Rotates a refresh token: returns the id of its successor, creating it on first use;
    /// within the grace period a reused token gets the same successor again; after it, or
    /// for an unknown token, refuses.
    public func rotateRefreshToken(id: String, newID: String, expiresAt: Date, now: Date = Date()) async throws -> (did: String, appPasswordName: String?, nextID: String) {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM refresh_token WHERE id = ?", arguments: [id]) else {
                throw AuthError("ExpiredToken", "Token has been revoked", status: 400)
            }
            let did: String = row["did"]
            let app: String? = row["appPasswordName"]
            if let next: String = row["nextId"] {
                let usedAt: Double = row["usedAt"]
                guard now.timeIntervalSince1970 - usedAt < AuthStore.refreshGrace else {
                    throw AuthError("ExpiredToken", "Token has been revoked", status: 400)
                }
                return (did, app, next)
            }
            try db.execute(sql: "UPDATE refresh_token SET nextId = ?, usedAt = ? WHERE id = ?", arguments: [newID, now.timeIntervalSince1970, id])
            try db.execute(sql: "INSERT INTO refresh_token (id, did, appPasswordName, expiresAt) VALUES (?, ?, ?, ?)",
                           arguments: [newID, did, app, expiresAt.timeIntervalSince1970])
            return (did, app, newID)
        }
    }

    /// True when a refresh token id is still live (not revoked).
    public func refreshTokenExists(id: String) async throws -> Bool {
        try await pool.read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM refresh_token WHERE id = ?", arguments: [id]) == true }
    }

    /// Ends a session: its refresh token and any successor.
    public func revokeRefreshToken(id: String) async throws {
        try await pool.write { db in
            var current: String? = id
            while let c = current {
                current = try String.fetchOne(db, sql: "SELECT nextId FROM refresh_token WHERE id = ?", arguments: [c])
                try db.execute(sql: "DELETE FROM refresh_token WHERE id = ?", arguments: [c])
            }
        }
    }

    // MARK: App passwords

    /// Stores an app password's hash.
    public func createAppPassword(did: String, name: String, passwordScrypt: String, privileged: Bool) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM app_password WHERE did = ? AND name = ?", arguments: [did, name]) == true {
                throw AuthError.invalidRequest("A password with that name already exists.")
            }
            try db.execute(sql: "INSERT INTO app_password (did, name, passwordScrypt, privileged, createdAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [did, name, passwordScrypt, privileged, AuthStore.now()])
        }
    }

    /// The account's app passwords (hash included, for login checks).
    public func appPasswords(did: String) async throws -> [(name: String, passwordScrypt: String, privileged: Bool, createdAt: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM app_password WHERE did = ? ORDER BY createdAt", arguments: [did]).map {
                ($0["name"], $0["passwordScrypt"], $0["privileged"], $0["createdAt"])
            }
        }
    }

    /// Revokes an app password and ends the sessions made with it.
    public func revokeAppPassword(did: String, name: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM app_password WHERE did = ? AND name = ?", arguments: [did, name])
            try db.execute(sql: "DELETE FROM refresh_token WHERE did = ? AND appPasswordName = ?", arguments: [did, name])
        }
    }
}
