import AuthService
import Foundation
import Testing

@Suite struct SessionsTests {
    final class Fixture {
        let dir: URL
        let sessions: Sessions
        init() async throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-auth-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let store = try AuthStore(path: dir.appendingPathComponent("auth.sqlite").path)
            sessions = Sessions(store: store, tokens: await SessionTokens(secret: "test-secret", serviceDID: "did:web:pds.test"))
            try await store.createAccount(did: "did:plc:alice", handle: "alice.test", email: "alice@example.com",
                                          passwordScrypt: try await PasswordHash.hash("hunter22"), inviteCode: nil)
        }
        deinit { try? FileManager.default.removeItem(at: dir) }
    }

    @Test func loginByHandleEmailOrDIDAndVerify() async throws {
        let f = try await Fixture()
        for id in ["alice.test", "ALICE.test", "alice@example.com", "did:plc:alice"] {
            let s = try await f.sessions.create(identifier: id, password: "hunter22")
            #expect(s.did == "did:plc:alice")
            let claims = try await f.sessions.verifyAccess(s.accessJwt)
            #expect(claims.scope == .access)
            #expect(claims.did == "did:plc:alice")
        }
        let wrong = await #expect(throws: AuthError.self) { try await f.sessions.create(identifier: "alice.test", password: "nope") }
        #expect(wrong?.status == 401)
        await #expect(throws: AuthError.self) { try await f.sessions.create(identifier: "bob.test", password: "hunter22") }
    }

    @Test func refreshRotatesWithGraceAndTokensCannotSwapRoles() async throws {
        let f = try await Fixture()
        let s = try await f.sessions.create(identifier: "alice.test", password: "hunter22")
        // A refresh token is not an access token, and the reverse.
        await #expect(throws: AuthError.self) { try await f.sessions.verifyAccess(s.refreshJwt) }
        await #expect(throws: AuthError.self) { try await f.sessions.refresh(s.accessJwt) }
        let r1 = try await f.sessions.refresh(s.refreshJwt)
        // Reused within the grace period: the same successor.
        let r2 = try await f.sessions.refresh(s.refreshJwt)
        #expect(r1.refreshJwt.split(separator: ".")[1] != s.refreshJwt.split(separator: ".")[1])
        _ = try await f.sessions.verifyAccess(r2.accessJwt)
        // Logging out revokes the chain: neither the old nor the rotated token refreshes.
        try await f.sessions.delete(r1.refreshJwt)
        try await f.sessions.delete(s.refreshJwt)
        await #expect(throws: AuthError.self) { try await f.sessions.refresh(r1.refreshJwt) }
        await #expect(throws: AuthError.self) { try await f.sessions.refresh(s.refreshJwt) }
    }

    @Test func reuseAfterGraceIsRefused() async throws {
        let f = try await Fixture()
        try await f.sessions.store.storeRefreshToken(id: "t1", did: "did:plc:alice", appPasswordName: nil, expiresAt: Date().addingTimeInterval(1000))
        _ = try await f.sessions.store.rotateRefreshToken(id: "t1", newID: "t2", expiresAt: Date().addingTimeInterval(1000), now: Date())
        _ = try await f.sessions.store.rotateRefreshToken(id: "t1", newID: "t3", expiresAt: Date().addingTimeInterval(1000),
                                                          now: Date().addingTimeInterval(3600))
        await #expect(throws: AuthError.self) {
            try await f.sessions.store.rotateRefreshToken(id: "t1", newID: "t4", expiresAt: Date(), now: Date().addingTimeInterval(3 * 3600))
        }
    }

    @Test func appPasswordsLogInWithTheirScopeAndRevoke() async throws {
        let f = try await Fixture()
        let pw = try await f.sessions.createAppPassword(did: "did:plc:alice", name: "client", privileged: false)
        #expect(pw.count == 19)
        let s = try await f.sessions.create(identifier: "alice.test", password: pw)
        #expect(try await f.sessions.verifyAccess(s.accessJwt).scope == .appPass)
        #expect(s.appPasswordName == "client")
        try await f.sessions.store.revokeAppPassword(did: "did:plc:alice", name: "client")
        await #expect(throws: AuthError.self) { try await f.sessions.create(identifier: "alice.test", password: pw) }
        await #expect(throws: AuthError.self) { try await f.sessions.refresh(s.refreshJwt) }
    }

    @Test func tamperedAndForeignTokensRejected() async throws {
        let f = try await Fixture()
        let s = try await f.sessions.create(identifier: "alice.test", password: "hunter22")
        var parts = s.accessJwt.split(separator: ".").map(String.init)
        parts[2] = String(parts[2].reversed())
        await #expect(throws: AuthError.self) { try await f.sessions.verifyAccess(parts.joined(separator: ".")) }
        let other = await SessionTokens(secret: "other-secret", serviceDID: "did:web:pds.test")
        let foreign = try await other.accessToken(did: "did:plc:alice", scope: .access)
        await #expect(throws: AuthError.self) { try await f.sessions.verifyAccess(foreign) }
        let wrongAudience = try await SessionTokens(secret: "test-secret", serviceDID: "did:web:elsewhere").accessToken(did: "did:plc:alice", scope: .access)
        await #expect(throws: AuthError.self) { try await f.sessions.verifyAccess(wrongAudience) }
        let expired = try await f.sessions.tokens.accessToken(did: "did:plc:alice", scope: .access, now: Date().addingTimeInterval(-3 * 3600))
        let e = await #expect(throws: AuthError.self) { try await f.sessions.verifyAccess(expired) }
        #expect(e?.xrpcError == "ExpiredToken")
        await #expect(throws: AuthError.self) { try await f.sessions.verifyAccess("not.a.jwt") }
    }

    @Test func duplicateHandleAndInviteCodes() async throws {
        let f = try await Fixture()
        let e = await #expect(throws: AuthError.self) {
            try await f.sessions.store.createAccount(did: "did:plc:other", handle: "alice.test", email: nil, passwordScrypt: "x", inviteCode: nil)
        }
        #expect(e?.xrpcError == "HandleNotAvailable")
        let codes = try await f.sessions.store.createInviteCodes(count: 1, uses: 1, forAccount: "admin", createdBy: "admin")
        try await f.sessions.store.createAccount(did: "did:plc:bob", handle: "bob.test", email: nil, passwordScrypt: "x", inviteCode: codes[0])
        let used = await #expect(throws: AuthError.self) {
            try await f.sessions.store.createAccount(did: "did:plc:carol", handle: "carol.test", email: nil, passwordScrypt: "x", inviteCode: codes[0])
        }
        #expect(used?.xrpcError == "InvalidInviteCode")
        #expect(try await f.sessions.store.account(identifier: "carol.test") == nil)
    }
}
