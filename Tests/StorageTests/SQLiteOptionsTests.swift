import Foundation
import GRDB
import Storage
import Testing

/// How the project opens its SQLite files.
@Suite struct SQLiteOptionsTests {
    @Test func perAccountStoresGetSmallCachesAndFewReaders() throws {
        let path = NSTemporaryDirectory() + "options-\(UUID().uuidString.prefix(8)).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let options = SQLiteOptions(disableWALAutoCheckpoint: true).perAccountStore
        let pool = try DatabasePool(path: path, configuration: options.configuration)
        #expect(try pool.write { try Int.fetchOne($0, sql: "PRAGMA cache_size") } == -512)
        #expect(try pool.read { try Int.fetchOne($0, sql: "PRAGMA cache_size") } == -256)
        #expect(try pool.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } == 0)
        #expect(pool.configuration.maximumReaderCount == 2)

        let plain = try DatabasePool(path: path + ".plain", configuration: SQLiteOptions().configuration)
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + ".plain" + suffix) } }
        #expect(try plain.read { try Int.fetchOne($0, sql: "PRAGMA cache_size") } == -2000)
        #expect(try plain.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } == 1000)
    }
}
