import ArgumentParser
import Foundation

/// `pds account …`: what a user runs for their own account.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "account", abstract: "Commands a user runs for their own account.",
                                                    subcommands: [AccountMigrateCommand.self])
}

/// `pds account migrate`: moves an account from one PDS to another, resumably.
struct AccountMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move an account (repo, blobs, preferences, DID) from one PDS to another.",
        discussion: """
            Runs the standard migration flow as a client of both servers, so either may be any \
            PDS. Run it again after a failure: it continues from where it stopped. Without \
            --plc-token it asks the old PDS to email a confirmation code and waits for it on \
            standard input.
            """)

    @Option(name: .customLong("from-pds"), help: "URL of the PDS the account lives on now.") var fromPDS: String
    @Option(name: .customLong("identifier"), help: "The account's handle or DID.") var identifier: String
    @Option(name: .customLong("password"), help: "The account's password (also its password on the new PDS).") var password: String
    @Option(name: .customLong("to-pds"), help: "URL of the PDS to move to.") var toPDS: String
    @Option(name: .customLong("new-handle"), help: "Handle on the new PDS (default: the current one).") var newHandle: String?
    @Option(name: .customLong("email"), help: "Email on the new PDS (default: the current one).") var email: String?
    @Option(name: .customLong("invite-code"), help: "Invite code for the new PDS.") var inviteCode: String?
    @Option(name: .customLong("plc-token"), help: "The confirmation code the old PDS emailed (skips asking for one).") var plcToken: String?

    func run() async throws {
        let interactive = isatty(STDIN_FILENO) == 1
        let options = AccountMigrationFlow.Options(
            fromPDS: fromPDS, toPDS: toPDS, identifier: identifier, password: password, newHandle: newHandle, email: email,
            inviteCode: inviteCode, plcToken: plcToken,
            promptForToken: {
                if interactive { print("Enter the confirmation code from the email: ", terminator: "") }
                return readLine()?.trimmingCharacters(in: .whitespacesAndNewlines)
            },
            // A test hook: stop after one step, as a crash there would.
            stopAfter: ProcessInfo.processInfo.environment["PDS_MIGRATE_STOP_AFTER"])
        do {
            try await AccountMigrationFlow(options: options) { print($0) }.run()
        } catch let stopped as AccountMigrationFlow.Stopped {
            print(stopped.description)
            throw ExitCode(3)
        } catch let failure as XRPCClient.Failure {
            print("migration failed: \(failure)")
            print("fix the cause and run the same command again: it continues from where it stopped")
            throw ExitCode.failure
        }
    }
}
