import Foundation
import GRDB

/// What a client asked for in its pushed authorization request.
public struct AuthorizationParameters: Codable, Sendable, Equatable {
    public var redirectURI: String
    public var scope: String
    public var state: String
    public var codeChallenge: String
    public var loginHint: String?
    /// `query` (the default) or `fragment`.
    public var responseMode: String?
    public var prompt: String?
}

/// A pushed authorization request on its way to a code.
public struct OAuthRequestRecord: Sendable, Equatable {
    public var id: String
    public var clientID: String
    /// `none`, or `private_key_jwt:<key thumbprint>`: the token request must authenticate the same way.
    public var clientAuth: String
    public var parameters: AuthorizationParameters
    public var dpopJkt: String
    public var deviceID: String?
    public var did: String?
    public var expiresAt: Double
    public var codeExpiresAt: Double?
    public var sessionID: String?

    init(row: Row) throws {
        id = row["id"]; clientID = row["clientId"]; clientAuth = row["clientAuth"]; dpopJkt = row["dpopJkt"]
        deviceID = row["deviceId"]; did = row["did"]; expiresAt = row["expiresAt"]; codeExpiresAt = row["codeExpiresAt"]
        sessionID = row["sessionId"]
        parameters = try JSONDecoder().decode(AuthorizationParameters.self, from: Data((row["parameters"] as String).utf8))
    }

    init(id: String, clientID: String, clientAuth: String, parameters: AuthorizationParameters, dpopJkt: String, expiresAt: Double) {
        self.id = id; self.clientID = clientID; self.clientAuth = clientAuth; self.parameters = parameters
        self.dpopJkt = dpopJkt; self.expiresAt = expiresAt
    }
}

/// An OAuth session: one client's grant for one account, refreshed in place.
public struct OAuthSessionRecord: Sendable, Equatable {
    public var id: String
    public var did: String
    public var clientID: String
    public var clientAuth: String
    public var scope: String
    public var dpopJkt: String
    public var createdAt: Double
    public var lastUsedAt: Double
    public var expiresAt: Double

    public init(id: String, did: String, clientID: String, clientAuth: String, scope: String, dpopJkt: String,
         createdAt: Double, lastUsedAt: Double, expiresAt: Double) {
        self.id = id; self.did = did; self.clientID = clientID; self.clientAuth = clientAuth; self.scope = scope
        self.dpopJkt = dpopJkt; self.createdAt = createdAt; self.lastUsedAt = lastUsedAt; self.expiresAt = expiresAt
    }

    init(row: Row) {
        id = row["id"]; did = row["did"]; clientID = row["clientId"]; clientAuth = row["clientAuth"]; scope = row["scope"]
        dpopJkt = row["dpopJkt"]; createdAt = row["createdAt"]; lastUsedAt = row["lastUsedAt"]; expiresAt = row["expiresAt"]
    }
}

extension AuthStore {
    static func endOAuthSessions(did: String, db: Database) throws {
        try db.execute(sql: "DELETE FROM oauth_used_refresh WHERE sessionId IN (SELECT id FROM oauth_session WHERE did = ?)", arguments: [did])
        try db.execute(sql: "DELETE FROM oauth_session WHERE did = ?", arguments: [did])
        try db.execute(sql: "DELETE FROM oauth_device_account WHERE did = ?", arguments: [did])
    }

    // MARK: Requests

    public func insertOAuthRequest(_ r: OAuthRequestRecord) async throws {
        let parameters = String(decoding: try JSONEncoder().encode(r.parameters), as: UTF8.self)
        try await pool.write { db in
            // Expired requests go as new ones arrive, so the table stays small.
            try db.execute(sql: "DELETE FROM oauth_request WHERE expiresAt < ?", arguments: [Date().timeIntervalSince1970 - 3600])
            try db.execute(sql: """
                INSERT INTO oauth_request (id, clientId, clientAuth, parameters, dpopJkt, expiresAt) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [r.id, r.clientID, r.clientAuth, parameters, r.dpopJkt, r.expiresAt])
        }
    }

    public func oauthRequest(id: String) async throws -> OAuthRequestRecord? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM oauth_request WHERE id = ?", arguments: [id]).map(OAuthRequestRecord.init(row:)) }
    }

    /// Ties a request to the browser that opened it (the first one does).
    public func bindOAuthRequest(id: String, deviceID: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE oauth_request SET deviceId = ? WHERE id = ? AND (deviceId IS NULL OR deviceId = ?)",
                           arguments: [deviceID, id, deviceID])
            return db.changesCount == 1
        }
    }

    /// Issues the request's code: stores its digest, the account and a one-minute lifetime.
    public func issueOAuthCode(requestID: String, did: String, codeDigest: String, expiresAt: Double) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE oauth_request SET did = ?, codeDigest = ?, codeExpiresAt = ? WHERE id = ? AND codeDigest IS NULL",
                           arguments: [did, codeDigest, expiresAt, requestID])
            guard db.changesCount == 1 else { throw OAuthError.invalidRequest("this authorization request was already used") }
        }
    }

    public func deleteOAuthRequest(id: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM oauth_request WHERE id = ?", arguments: [id]) }
    }

    /// Exchanges a code: the first use marks the request with the session it made; a second use
    /// finds that mark, and the caller revokes the session (RFC 6749 §4.1.2).
    public func redeemOAuthCode(digest: String, sessionID: String) async throws -> (request: OAuthRequestRecord?, reusedSession: String?) {
        let answer = try await pool.write { db -> (request: OAuthRequestRecord?, reusedSession: String?) in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM oauth_request WHERE codeDigest = ?", arguments: [digest]) else {
                return (nil, nil)
            }
            let request = try OAuthRequestRecord(row: row)
            if let used = request.sessionID {
                try db.execute(sql: "DELETE FROM oauth_session WHERE id = ?", arguments: [used])
                return (request, used)
            }
            try db.execute(sql: "UPDATE oauth_request SET sessionId = ? WHERE id = ?", arguments: [sessionID, request.id])
            return (request, nil)
        }
        if answer.reusedSession != nil { bumpOAuthEpoch() }
        return answer
    }

    // MARK: Sessions

    public func insertOAuthSession(_ s: OAuthSessionRecord, refreshDigest: String) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO oauth_session (id, did, clientId, clientAuth, scope, dpopJkt, refreshDigest, createdAt, lastUsedAt, expiresAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [s.id, s.did, s.clientID, s.clientAuth, s.scope, s.dpopJkt, refreshDigest, s.createdAt, s.lastUsedAt, s.expiresAt])
        }
    }

    public func oauthSession(id: String) async throws -> OAuthSessionRecord? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM oauth_session WHERE id = ?", arguments: [id]).map(OAuthSessionRecord.init(row:)) }
    }

    /// What presenting a refresh token found: the live session it belongs to (now rotated), a
    /// token already spent (its session is now revoked), or nothing.
    public enum RefreshOutcome: Sendable { case current(OAuthSessionRecord), reused, unknown }

    /// Rotates a refresh token: the current one is swapped for `newDigest`; a token used before
    /// ends its session (a stolen token cannot outlive the theft).
    public func rotateOAuthRefresh(digest: String, newDigest: String, now: Double) async throws -> RefreshOutcome {
        let outcome = try await pool.write { db -> RefreshOutcome in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM oauth_session WHERE refreshDigest = ?", arguments: [digest]) {
                let session = OAuthSessionRecord(row: row)
                try db.execute(sql: "UPDATE oauth_session SET refreshDigest = ?, lastUsedAt = ? WHERE id = ?", arguments: [newDigest, now, session.id])
                try db.execute(sql: "INSERT OR REPLACE INTO oauth_used_refresh (digest, sessionId, expiresAt) VALUES (?, ?, ?)",
                               arguments: [digest, session.id, session.expiresAt])
                return .current(session)
            }
            if let used = try String.fetchOne(db, sql: "SELECT sessionId FROM oauth_used_refresh WHERE digest = ?", arguments: [digest]) {
                try db.execute(sql: "DELETE FROM oauth_session WHERE id = ?", arguments: [used])
                try db.execute(sql: "DELETE FROM oauth_used_refresh WHERE sessionId = ?", arguments: [used])
                return .reused
            }
            return .unknown
        }
        if case .reused = outcome { bumpOAuthEpoch() }
        return outcome
    }

    /// Ends the session a refresh token, or the id of a session, names.
    public func revokeOAuthSession(refreshDigest: String?, id: String?) async throws {
        try await pool.write { db in
            var ids: [String] = []
            if let refreshDigest {
                ids += try String.fetchAll(db, sql: "SELECT id FROM oauth_session WHERE refreshDigest = ?", arguments: [refreshDigest])
                ids += try String.fetchAll(db, sql: "SELECT sessionId FROM oauth_used_refresh WHERE digest = ?", arguments: [refreshDigest])
            }
            if let id { ids.append(id) }
            for id in ids {
                try db.execute(sql: "DELETE FROM oauth_session WHERE id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM oauth_used_refresh WHERE sessionId = ?", arguments: [id])
            }
        }
        bumpOAuthEpoch()
    }

    public func oauthSessions(did: String) async throws -> [OAuthSessionRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM oauth_session WHERE did = ? ORDER BY createdAt", arguments: [did]).map(OAuthSessionRecord.init(row:))
        }
    }

    /// Notes that a session's token was used (at most once a minute, so reads stay reads).
    public func touchOAuthSession(id: String, now: Double) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE oauth_session SET lastUsedAt = ? WHERE id = ? AND lastUsedAt < ?", arguments: [now, id, now - 60])
        }
    }

    // MARK: Devices

    public func insertOAuthDevice(id: String, secretDigest: String, userAgent: String?, now: Double) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO oauth_device (id, secretDigest, userAgent, createdAt, lastSeenAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, secretDigest, userAgent, now, now])
        }
    }

    public func oauthDeviceSecretDigest(id: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT secretDigest FROM oauth_device WHERE id = ?", arguments: [id]) }
    }

    /// The accounts signed in on a browser: remembered ones, and any signed in within `recent`.
    public func oauthDeviceAccounts(deviceID: String, since: Double) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT did FROM oauth_device_account WHERE deviceId = ? AND (remember = 1 OR authenticatedAt > ?) ORDER BY authenticatedAt DESC",
                                arguments: [deviceID, since])
        }
    }

    public func signInOAuthDevice(deviceID: String, did: String, remember: Bool, now: Double) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO oauth_device_account (deviceId, did, authenticatedAt, remember) VALUES (?, ?, ?, ?)",
                           arguments: [deviceID, did, now, remember])
        }
    }

    // MARK: Approved clients

    public func approvedScope(did: String, clientID: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT scope FROM oauth_authorized_client WHERE did = ? AND clientId = ?", arguments: [did, clientID])
        }
    }

    public func approveClient(did: String, clientID: String, scope: String, now: Double) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO oauth_authorized_client (did, clientId, scope, updatedAt) VALUES (?, ?, ?, ?)",
                           arguments: [did, clientID, scope, now])
        }
    }
}
