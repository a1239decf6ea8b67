import ArgumentParser
import Foundation

/// `pds admin account create|list|delete|takedown|reset-password`.
struct AdminAccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "account", abstract: "Accounts on this PDS.",
                                                    subcommands: [Create.self, List.self, Delete.self, Takedown.self, ResetPassword.self])

    /// Creates an account with a one-use invite code (so it works whether or not invites are
    /// required) and a generated password, printed once.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an account and print its password.")
        @OptionGroup var target: AdminTarget
        @Argument(help: "Email address.") var email: String
        @Argument(help: "Handle, such as alice.pds.example.com.") var handle: String
        @Option(help: "Password (default: generated).") var password: String?

        func run() async throws {
            let client = try target.client()
            let invites = try await client.call("com.atproto.server.createInviteCodes", body: ["codeCount": 1, "useCount": 1])
            guard let code = ((invites["codes"] as? [[String: Any]])?.first?["codes"] as? [String])?.first else {
                throw AdminFailure("the PDS gave no invite code")
            }
            let secret = password ?? AdminClient.generatePassword()
            let account = try await client.call("com.atproto.server.createAccount", body: [
                "email": email, "handle": handle, "password": secret, "inviteCode": code,
            ], admin: false)
            print("Account created")
            print("  handle:   \(account["handle"] as? String ?? handle)")
            print("  did:      \(account["did"] as? String ?? "?")")
            print("  password: \(secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List every account.")
        @OptionGroup var target: AdminTarget
        @Flag(help: "Print JSON lines instead of a table.") var json = false

        func run() async throws {
            let client = try target.client()
            var cursor: String?
            if !json { print(["HANDLE", "EMAIL", "DID", "STATUS", "CREATED"].joined(separator: "\t")) }
            repeat {
                var query = [("limit", "500")]
                if let cursor { query.append(("cursor", cursor)) }
                let page = try await client.call("io.pdswift.admin.listAccounts", query: query)
                for a in page["accounts"] as? [[String: Any]] ?? [] {
                    if json {
                        print(String(decoding: try JSONSerialization.data(withJSONObject: a, options: [.sortedKeys]), as: UTF8.self))
                    } else {
                        print([a["handle"], a["email"], a["did"], a["status"], a["createdAt"]].map { $0 as? String ?? "-" }.joined(separator: "\t"))
                    }
                }
                cursor = page["cursor"] as? String
            } while cursor != nil
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an account and its repo for good.")
        @OptionGroup var target: AdminTarget
        @Argument(help: "The account's DID.") var did: String

        func run() async throws {
            try await target.client().call("com.atproto.admin.deleteAccount", body: ["did": did])
            print("\(did) deleted")
        }
    }

    struct Takedown: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "takedown", abstract: "Take an account down (or restore it with --reverse).")
        @OptionGroup var target: AdminTarget
        @Argument(help: "The account's DID.") var did: String
        @Flag(help: "Lift the takedown.") var reverse = false

        func run() async throws {
            try await target.client().call("com.atproto.admin.updateSubjectStatus", body: [
                "subject": ["$type": "com.atproto.admin.defs#repoRef", "did": did],
                "takedown": ["applied": !reverse, "ref": String(Int(Date().timeIntervalSince1970))],
            ])
            print("\(did) \(reverse ? "restored" : "taken down")")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password", abstract: "Set a new generated password and print it.")
        @OptionGroup var target: AdminTarget
        @Argument(help: "The account's DID.") var did: String

        func run() async throws {
            let password = AdminClient.generatePassword()
            try await target.client().call("com.atproto.admin.updateAccountPassword", body: ["did": did, "password": password])
            print("new password for \(did): \(password)")
        }
    }
}
