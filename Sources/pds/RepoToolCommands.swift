import ArgumentParser
import ATCrypto
import Foundation
import IPLD
import Repo

/// Loads a CAR file fully verified into memory, printing the first problem on failure.
private func loadVerified(_ path: String, didKey: String? = nil, requireRecords: Bool = true) throws -> (VerifiedRepo, MemoryBlockStore) {
    let store = MemoryBlockStore()
    let root = try RepoVerifier.load(try FileByteSource(path: path), into: store)
    let key = try didKey.map { (k) throws -> any PublicKey in try DIDKey.parse(k) }
    let repo = try RepoVerifier.verify(root: root, store: store, key: key, requireRecords: requireRecords)
    return (repo, store)
}

/// Prints an error the way every tool command reports failure, and exits non-zero.
private func fail(_ error: Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    return ExitCode.failure
}

/// `pds repo verify FILE.car [--did-key K]`.
struct RepoVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify a repo CAR: blocks, MST structure, records and (with --did-key) the commit signature.")

    @Argument(help: "The CAR file.") var file: String
    @Option(name: .customLong("did-key"), help: "did:key the commit must be signed with.") var didKey: String?

    func run() throws {
        do {
            let (repo, _) = try loadVerified(file, didKey: didKey)
            print("root: \(repo.root)")
            print("rev: \(repo.commit?.rev ?? "-")")
            print("did: \(repo.commit?.did ?? "-")")
            print("records: \(repo.recordCount)")
            print("OK")
        } catch {
            print("FAILED: \(error)")
            throw ExitCode.failure
        }
    }
}

/// `pds repo ls FILE.car`.
struct RepoListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List record paths and CIDs in a repo CAR.")

    @Argument(help: "The CAR file.") var file: String

    func run() throws {
        do {
            let (repo, store) = try loadVerified(file, requireRecords: false)
            try MST(root: repo.data, store: store).walk { entry in
                print("\(entry.keyString)\t\(entry.value)")
                return true
            }
        } catch { throw fail(error) }
    }
}

/// `pds repo export FILE.car DIR`.
struct RepoExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write every record of a repo CAR as JSON: DIR/<collection>/<rkey>.json.")

    @Argument(help: "The CAR file.") var file: String
    @Argument(help: "Output directory.") var directory: String

    func run() throws {
        do {
            let (repo, store) = try loadVerified(file)
            let fm = FileManager.default
            var written = 0
            try MST(root: repo.data, store: store).walk { entry in
                let parts = entry.keyString.split(separator: "/", maxSplits: 1).map(String.init)
                let dir = URL(fileURLWithPath: directory).appendingPathComponent(parts[0])
                try fm.createDirectory(at: dir, withIntermediateDirectories: true)
                guard let bytes = store.block(entry.value) else { throw RepoError.missingBlock(entry.value) }
                let json = DataModelJSON.serialize(try DAGCBOR.decode(bytes))
                try Data(json).write(to: dir.appendingPathComponent(parts[1] + ".json"))
                written += 1
                return true
            }
            print("wrote \(written) records to \(directory)")
        } catch { throw fail(error) }
    }
}

/// `pds repo diff A.car B.car [--json]`.
struct RepoDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Diff the MST of A against the MST of B (created/deleted nodes, record ops, proofs).")

    @Argument(help: "The old CAR.") var a: String
    @Argument(help: "The new CAR.") var b: String
    @Flag(name: .customLong("json"), help: "Print one JSON object in the mst-test-suite mst-diff result shape.") var json = false

    func run() throws {
        do {
            let (repoA, storeA) = try loadVerified(a, requireRecords: false)
            let (repoB, storeB) = try loadVerified(b, requireRecords: false)
            let report = try MSTDiffReport.make(old: MST(root: repoA.data, store: storeA), new: MST(root: repoB.data, store: storeB))
            if json {
                print(report.json)
            } else {
                for op in report.recordOps {
                    let action = op.oldValue == nil ? "create" : op.newValue == nil ? "delete" : "update"
                    print("\(action)\t\(op.rpath)\t\(op.oldValue ?? "-")\t\(op.newValue ?? "-")")
                }
                print("created nodes: \(report.createdNodes.count), deleted nodes: \(report.deletedNodes.count)")
            }
        } catch { throw fail(error) }
    }
}
