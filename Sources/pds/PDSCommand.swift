import ArgumentParser

/// The one PDSwift executable: every process of the PDS and the operator tools.
@main
struct PDSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pds",
        abstract: "PDSwift, an AT Protocol Personal Data Server.",
        subcommands: [UpCommand.self, GatewayCommand.self, RepoCommand.self, FirehoseCommand.self, BlobCommand.self,
                      AuthCommand.self, BackupCommand.self, PLCCommand.self, RestoreCommand.self, AdminCommand.self,
                      AccountCommand.self, DrillCommand.self])
}
