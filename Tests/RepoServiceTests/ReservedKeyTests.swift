import ATCrypto
import Foundation
import RepoService
import Testing

/// Signing keys reserved for account creations that never finished.
@Suite struct ReservedKeyTests {
    @Test func staleReservationsAreRemovedFreshOnesKept() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("reserved-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = ActorStorePool(dataDirectory: dir)
        let old = try await pool.reserveKey(algorithm: .k256)
        let fresh = try await pool.reserveKey(algorithm: .k256)
        let oldFile = dir.appendingPathComponent("actors/reserved/\(old.didKey).key")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-2 * 86_400)], ofItemAtPath: oldFile.path)

        #expect(await pool.removeStaleReservations() == 1)
        #expect(try await pool.reservedKey(old.didKey) == nil)
        #expect(try await pool.reservedKey(fresh.didKey)?.didKey == fresh.didKey)
        #expect(await pool.removeStaleReservations() == 0)
    }

    /// `reserveSigningKey` with a DID (an account migrating here) answers the same key again,
    /// a different DID another one, and `createRepo` finds it by its did:key.
    @Test func keysReservedForADIDAreAnsweredAgain() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("reserved-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = ActorStorePool(dataDirectory: dir)
        let first = try await pool.reserveKey(algorithm: .k256, for: "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")
        let again = try await pool.reserveKey(algorithm: .k256, for: "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")
        let other = try await pool.reserveKey(algorithm: .k256, for: "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb")
        #expect(first.didKey == again.didKey && first.didKey != other.didKey)
        #expect(try await pool.reservedKey(first.didKey)?.didKey == first.didKey)
        // Once the key is in use (released), the DID gets a new one.
        await pool.releaseReservation(first.didKey)
        #expect(try await pool.reserveKey(algorithm: .k256, for: "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa").didKey != first.didKey)
    }
}
