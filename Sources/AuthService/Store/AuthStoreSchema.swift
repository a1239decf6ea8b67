import GRDB

/// The tables of `auth.sqlite`: accounts and everything that authenticates them.
enum AuthStoreSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    did TEXT PRIMARY KEY, handle TEXT NOT NULL UNIQUE, email TEXT UNIQUE COLLATE NOCASE,
                    passwordScrypt TEXT NOT NULL, emailConfirmedAt TEXT, createdAt TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'active', deactivatedAt TEXT, takedownRef TEXT,
                    invitesDisabled INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE app_password (
                    did TEXT NOT NULL, name TEXT NOT NULL, passwordScrypt TEXT NOT NULL, privileged INTEGER NOT NULL,
                    createdAt TEXT NOT NULL, PRIMARY KEY (did, name));
                CREATE TABLE refresh_token (
                    id TEXT PRIMARY KEY, did TEXT NOT NULL, appPasswordName TEXT, expiresAt REAL NOT NULL,
                    nextId TEXT, usedAt REAL);
                CREATE INDEX refresh_token_did ON refresh_token (did);
                CREATE TABLE invite_code (
                    code TEXT PRIMARY KEY, availableUses INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
                    forAccount TEXT NOT NULL, createdBy TEXT NOT NULL, createdAt TEXT NOT NULL);
                CREATE TABLE invite_code_use (code TEXT NOT NULL, usedBy TEXT NOT NULL, usedAt TEXT NOT NULL, PRIMARY KEY (code, usedBy));
                CREATE TABLE email_token (
                    purpose TEXT NOT NULL, did TEXT NOT NULL, token TEXT NOT NULL, requestedAt REAL NOT NULL,
                    PRIMARY KEY (purpose, did));
                """)
        }
        m.registerMigration("v2-pending-account") { db in
            // An account being created: it holds its handle, and says how far creation got, so
            // a crash half-way can be undone at the next start (or the next try of the handle).
            try db.execute(sql: """
                CREATE TABLE pending_account (
                    handle TEXT PRIMARY KEY, did TEXT, signingKey TEXT, step TEXT NOT NULL, startedAt TEXT NOT NULL);
                """)
        }
        m.registerMigration("v3-oauth") { db in
            // OAuth: authorization requests (PAR, then sign-in, then a code), sessions with their
            // current refresh token (only digests of secrets are stored), refresh tokens already
            // used (a reuse revokes the session), browsers (devices) and the accounts signed in on
            // them, and the clients each account has approved with the scope approved.
            try db.execute(sql: """
                CREATE TABLE oauth_request (
                    id TEXT PRIMARY KEY, clientId TEXT NOT NULL, clientAuth TEXT NOT NULL, parameters TEXT NOT NULL,
                    dpopJkt TEXT NOT NULL, deviceId TEXT, did TEXT, codeDigest TEXT UNIQUE, codeExpiresAt REAL,
                    expiresAt REAL NOT NULL, sessionId TEXT);
                CREATE TABLE oauth_session (
                    id TEXT PRIMARY KEY, did TEXT NOT NULL, clientId TEXT NOT NULL, clientAuth TEXT NOT NULL,
                    scope TEXT NOT NULL, dpopJkt TEXT NOT NULL, refreshDigest TEXT NOT NULL UNIQUE,
                    createdAt REAL NOT NULL, lastUsedAt REAL NOT NULL, expiresAt REAL NOT NULL);
                CREATE INDEX oauth_session_did ON oauth_session (did);
                CREATE TABLE oauth_used_refresh (digest TEXT PRIMARY KEY, sessionId TEXT NOT NULL, expiresAt REAL NOT NULL);
                CREATE TABLE oauth_device (
                    id TEXT PRIMARY KEY, secretDigest TEXT NOT NULL, userAgent TEXT, createdAt REAL NOT NULL, lastSeenAt REAL NOT NULL);
                CREATE TABLE oauth_device_account (
                    deviceId TEXT NOT NULL, did TEXT NOT NULL, authenticatedAt REAL NOT NULL, remember INTEGER NOT NULL,
                    PRIMARY KEY (deviceId, did));
                CREATE TABLE oauth_authorized_client (
                    did TEXT NOT NULL, clientId TEXT NOT NULL, scope TEXT NOT NULL, updatedAt REAL NOT NULL,
                    PRIMARY KEY (did, clientId));
                """)
        }
        return m
    }
}
