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

/// `pds backup`: the BackupService process.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Run the BackupService process.")
    func run() async throws { try await ProcessEntry.runService(.backup, start: BackupServiceProcess.start) }
}
