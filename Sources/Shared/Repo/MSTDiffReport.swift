import IPLD

/// The diff between two trees in the mst-test-suite `mst-diff` result shape: what
/// `pds repo diff --json` prints and the conformance tests compare.
public struct MSTDiffReport: Sendable, Equatable {
    public var createdNodes: [String]
    public var deletedNodes: [String]
    /// (rpath, old_value, new_value), sorted by rpath.
    public var recordOps: [RecordOpReport]
    public var proofNodes: [String]
    public var inductiveProofNodes: [String]
    /// nil where the expected value is unspecified ("TODO" in the suite).
    public var firehoseCIDs: [String]?

    /// One record op as the suite prints it.
    public struct RecordOpReport: Sendable, Equatable {
        public var rpath: String
        public var oldValue: String?
        public var newValue: String?
    }

    /// Computes the report for old → new.
    public static func make(old: MST, new: MST) throws(RepoError) -> MSTDiffReport {
        let diff = try MSTDiff.between(old: old, new: new)
        let proof = try new.proofNodes(for: diff.ops)
        let inductive = try new.inductiveProofNodes(for: diff.ops)
        var firehose = diff.createdNodes.union(proof)
        for op in diff.ops { if let v = op.new { firehose.insert(v) } }
        func sorted(_ s: Set<CID>) -> [String] { s.map(\.string).sorted() }
        return MSTDiffReport(
            createdNodes: sorted(diff.createdNodes),
            deletedNodes: sorted(diff.deletedNodes),
            recordOps: diff.ops.map { RecordOpReport(rpath: $0.path, oldValue: $0.old?.string, newValue: $0.new?.string) },
            proofNodes: sorted(proof),
            inductiveProofNodes: sorted(inductive),
            firehoseCIDs: sorted(firehose))
    }

    public init(createdNodes: [String], deletedNodes: [String], recordOps: [RecordOpReport],
                proofNodes: [String], inductiveProofNodes: [String], firehoseCIDs: [String]?) {
        self.createdNodes = createdNodes
        self.deletedNodes = deletedNodes
        self.recordOps = recordOps
        self.proofNodes = proofNodes
        self.inductiveProofNodes = inductiveProofNodes
        self.firehoseCIDs = firehoseCIDs
    }

    /// Reads the suite's JSON `results` object (as parsed by JSONSerialization).
    public init(json: [String: Any]) {
        func strings(_ k: String) -> [String] { (json[k] as? [String] ?? []).sorted() }
        createdNodes = strings("created_nodes")
        deletedNodes = strings("deleted_nodes")
        recordOps = (json["record_ops"] as? [[String: Any]] ?? []).map {
            RecordOpReport(rpath: $0["rpath"] as? String ?? "", oldValue: $0["old_value"] as? String, newValue: $0["new_value"] as? String)
        }.sorted { $0.rpath.utf8.lexicographicallyPrecedes($1.rpath.utf8) }
        proofNodes = strings("proof_nodes")
        inductiveProofNodes = strings("inductive_proof_nodes")
        firehoseCIDs = (json["firehose_cids"] as? [String])?.sorted()
    }

    /// The first field that differs from `expected`, or nil when they agree. A nil
    /// `firehoseCIDs` in `expected` is not checked.
    public func mismatch(against expected: MSTDiffReport) -> String? {
        if createdNodes != expected.createdNodes { return "created_nodes \(createdNodes) != \(expected.createdNodes)" }
        if deletedNodes != expected.deletedNodes { return "deleted_nodes \(deletedNodes) != \(expected.deletedNodes)" }
        if recordOps != expected.recordOps { return "record_ops differ" }
        if proofNodes != expected.proofNodes { return "proof_nodes \(proofNodes) != \(expected.proofNodes)" }
        if inductiveProofNodes != expected.inductiveProofNodes {
            return "inductive_proof_nodes \(inductiveProofNodes) != \(expected.inductiveProofNodes)"
        }
        if let want = expected.firehoseCIDs, firehoseCIDs != want { return "firehose_cids differ" }
        return nil
    }

    /// The report as the suite's JSON object, keys in the suite's order.
    public var json: String {
        func list(_ a: [String]) -> String { "[" + a.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        func opt(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "null" }
        let ops = recordOps.map {
            "{\"rpath\": \"\($0.rpath)\", \"old_value\": \(opt($0.oldValue)), \"new_value\": \(opt($0.newValue))}"
        }
        return "{\"created_nodes\": \(list(createdNodes)), \"deleted_nodes\": \(list(deletedNodes)), "
            + "\"record_ops\": [\(ops.joined(separator: ", "))], \"proof_nodes\": \(list(proofNodes)), "
            + "\"inductive_proof_nodes\": \(list(inductiveProofNodes)), \"firehose_cids\": \(list(firehoseCIDs ?? []))}"
    }
}
