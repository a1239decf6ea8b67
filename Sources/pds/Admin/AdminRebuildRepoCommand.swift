import ArgumentParser
import Foundation

/// `pds admin rebuild-repo DID`: resets an account's repo to a fresh commit over its records
/// (dropping history and superseded blocks) and announces it with a firehose `#sync`.
struct AdminRebuildRepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild-repo",
        abstract: "Rebuild an account's repo from its records under a new commit, drop its history and announce it (#sync).")
    @OptionGroup var target: AdminTarget
    @Argument(help: "The account's DID.") var did: String

    func run() async throws {
        // A large repo takes a while to rebuild: wait as long as the gateway does.
        let answer = try await target.client().call("io.pdswift.admin.rebuildRepo", body: ["did": did], timeout: 300)
        print("\(did) rebuilt")
        print("  commit:  \(answer["cid"] as? String ?? "?")")
        print("  rev:     \(answer["rev"] as? String ?? "?")")
        print("  records: \(answer["records"] as? Int ?? 0)")
        print("  dropped: \(answer["droppedBlocks"] as? Int ?? 0) blocks")
    }
}
