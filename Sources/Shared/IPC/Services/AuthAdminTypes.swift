import Foundation

/// Request and response types of the AuthService's operator methods (the admin XRPC
/// endpoints and `pds admin`).
public enum AuthAdminTypes {
    /// The input of a list accounts call.
    public struct ListAccountsRequest: Codable, Sendable {
        public var limit: Int
        /// The last DID of the previous page.
        public var cursor: String?
        public init(limit: Int, cursor: String?) { self.limit = limit; self.cursor = cursor }
    }

    /// One account as the admin listing shows it.
    public struct AccountSummary: Codable, Sendable, Equatable {
        public var did: String
        public var handle: String
        public var email: String?
        public var status: String
        public var createdAt: String
        public init(did: String, handle: String, email: String?, status: String, createdAt: String) {
            self.did = did; self.handle = handle; self.email = email; self.status = status; self.createdAt = createdAt
        }
    }

    /// A account list as it travels over IPC.
    public struct AccountList: Codable, Sendable {
        public var accounts: [AccountSummary]
        public var cursor: String?
        public init(accounts: [AccountSummary], cursor: String?) { self.accounts = accounts; self.cursor = cursor }
    }

    /// The input of a set password call.
    public struct SetPasswordRequest: Codable, Sendable {
        public var did: String
        public var password: String
        public init(did: String, password: String) { self.did = did; self.password = password }
    }
}
