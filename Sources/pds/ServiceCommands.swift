import ArgumentParser
import AuthService
import BackupService
import BlobService
import FirehoseService
import IPC
import RepoService

/// `pds repo` (default subcommand `serve`): the RepoService process.
struct RepoServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the RepoService process.")
    func run() async throws { try await ProcessEntry.runService(.repo, start: RepoServiceProcess.start) }
}

/// `pds firehose`: the FirehoseService process.
struct FirehoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "firehose", abstract: "Run the FirehoseService process.")
    func run() async throws { try await ProcessEntry.runService(.firehose, start: FirehoseServiceProcess.start) }
}

/// `pds blob`: the BlobService process.
struct BlobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "blob", abstract: "Run the BlobService process.")
    func run() async throws { try await ProcessEntry.runService(.blob, start: BlobServiceProcess.start) }
}

/// `pds auth`: the AuthService process.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "auth", abstract: "Run the AuthService process.")
    func run() async throws { try await ProcessEntry.runService(.auth, start: AuthServiceProcess.start) }
}

/// `pds backup` (default subcommand `serve`): the BackupService process, or (with a
/// subcommand) asks the running one to back up, drill or report.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Run the BackupService process, or ask it to back up now, run a restore drill or report.",
        subcommands: [BackupServeCommand.self, BackupRunCommand.self, BackupDrillCommand.self, BackupStatusCommand.self,
                      LitestreamConfigCommand.self],
        defaultSubcommand: BackupServeCommand.self)
}

/// `pds backup serve`: the BackupService process.
struct BackupServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the BackupService process.")
    func run() async throws { try await ProcessEntry.runService(.backup, start: BackupServiceProcess.start) }
}
