import ArgumentParser

/// `pds repo`: runs the RepoService process, or (with a subcommand) works on repo CAR files.
struct RepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "Run the RepoService process, or inspect repository CAR files.",
        subcommands: [RepoServeCommand.self, RepoVerifyCommand.self, RepoListCommand.self, RepoExportCommand.self, RepoDiffCommand.self],
        defaultSubcommand: RepoServeCommand.self)
}
