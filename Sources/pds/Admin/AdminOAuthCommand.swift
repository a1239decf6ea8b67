import ArgumentParser
import Foundation

/// `pds admin oauth sessions DID` and `pds admin oauth revoke DID [SESSION]`: a user's OAuth
/// sessions (the apps signed in with OAuth) and ending them.
struct AdminOAuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "oauth", abstract: "OAuth sessions of an account.",
                                                    subcommands: [Sessions.self, Revoke.self])

    struct Sessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sessions",
                                                        abstract: "List an account's OAuth sessions: client, scopes, created, last used.")
        @OptionGroup var target: AdminTarget
        @Argument(help: "The account's DID.") var did: String
        @Flag(help: "Print the JSON answer.") var json = false

        func run() async throws {
            let answer = try await target.client().call("io.pdswift.admin.listOAuthSessions", query: [("did", did)])
            let sessions = answer["sessions"] as? [[String: Any]] ?? []
            if json {
                print(String(decoding: try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
                return
            }
            if sessions.isEmpty { print("no OAuth sessions"); return }
            for s in sessions {
                print("\(s["id"] ?? "")\tclient=\(s["clientId"] ?? "")\tscope=\"\(s["scope"] ?? "")\"\tcreated=\(s["createdAt"] ?? "")\tlast-used=\(s["lastUsedAt"] ?? "")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke",
                                                        abstract: "Revoke one OAuth session of an account, or all of them.")
        @OptionGroup var target: AdminTarget
        @Argument(help: "The account's DID.") var did: String
        @Argument(help: "The session id (from `sessions`); all sessions when left out.") var session: String?

        func run() async throws {
            let answer = try await target.client().call("io.pdswift.admin.revokeOAuthSession", body: ["did": did, "session": session ?? "*"])
            print("revoked \(answer["revoked"] ?? 0) OAuth session(s)")
        }
    }
}
