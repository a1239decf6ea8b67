import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `pds admin …`: the reference `pdsadmin` equivalents, against a running PDS over HTTP.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administer a running PDS (accounts, invites, relays) over HTTP with the admin password.",
        subcommands: [AdminAccountCommand.self, AdminInviteCommand.self, AdminRequestCrawlCommand.self, AdminRebuildRepoCommand.self,
                      AdminOAuthCommand.self])
}

/// Where the PDS is: shared by every admin subcommand.
struct AdminTarget: ParsableArguments {
    @Option(name: .customLong("url"), help: "Base URL of the PDS (default from PDS_HOSTNAME and PDS_PORT).") var url: String?
    @Option(name: .customLong("data"), help: "Data directory holding secrets.env (default PDS_DATA_DIRECTORY or ./data).") var data: String?

    func client() throws -> AdminClient { try AdminClient(url: url, data: data) }
}

/// `pds admin invite create [--uses N] [--count N]`.
struct AdminInviteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invite", abstract: "Invite codes.",
                                                    subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create invite codes and print them.")
        @OptionGroup var target: AdminTarget
        @Option(help: "Accounts each code can create.") var uses = 1
        @Option(help: "How many codes.") var count = 1

        func run() async throws {
            let answer = try await target.client().call("com.atproto.server.createInviteCodes", body: ["codeCount": count, "useCount": uses])
            for group in answer["codes"] as? [[String: Any]] ?? [] {
                for code in group["codes"] as? [String] ?? [] { print(code) }
            }
        }
    }
}

/// `pds admin request-crawl [RELAY …]`: asks relays to crawl this PDS.
struct AdminRequestCrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request-crawl",
                                                    abstract: "Ask relays (default: PDS_CRAWLERS) to crawl this PDS's firehose.")
    @OptionGroup var target: AdminTarget
    @Argument(help: "Relay host names or URLs, such as bsky.network.") var relays: [String] = []
    @Option(help: "The host name to announce (default PDS_HOSTNAME).") var hostname: String?

    func run() async throws {
        let client = try target.client()
        var list = relays
        if list.isEmpty {
            list = (ProcessInfo.processInfo.environment["PDS_CRAWLERS"] ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
        }
        guard !list.isEmpty else { throw AdminFailure("no relay given and PDS_CRAWLERS is empty") }
        for relay in list {
            let base = relay.contains("://") ? relay : "https://\(relay)"
            guard let url = URL(string: base)?.appendingPathComponent("xrpc/com.atproto.sync.requestCrawl") else {
                throw AdminFailure("bad relay \(relay)")
            }
            var request = URLRequest(url: url, timeoutInterval: 30)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: ["hostname": hostname ?? client.hostname])
            try await AdminClient.send(request)
            print("requested a crawl of \(hostname ?? client.hostname) from \(relay)")
        }
    }
}
