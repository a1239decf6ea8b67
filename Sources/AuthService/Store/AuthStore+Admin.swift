import Foundation
import GRDB

extension AuthStore {
    /// A page of accounts in DID order after `cursor` (the operator's listing).
    public func listAccounts(limit: Int, after cursor: String?) async throws -> [(account: Account, createdAt: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account WHERE did > ? ORDER BY did LIMIT ?", arguments: [cursor ?? "", limit])
                .map { (Account(row: $0), $0["createdAt"] as String? ?? "") }
        }
    }
}
