import GRDB

/// An account as AuthService knows it.
public struct Account: Sendable, Equatable {
    /// Where an account stands; shown in getSession and `sync.getRepoStatus`.
    public enum Status: String, Sendable {
        case active, deactivated, takendown, deleted
    }

    public let did: String
    public let handle: String
    public let email: String?
    public let emailConfirmed: Bool
    public let status: Status
    let passwordScrypt: String

    init(row: Row) {
        did = row["did"]
        handle = row["handle"]
        email = row["email"]
        emailConfirmed = (row["emailConfirmedAt"] as String?) != nil
        status = Status(rawValue: row["status"]) ?? .active
        passwordScrypt = row["passwordScrypt"]
    }
}
