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
}
