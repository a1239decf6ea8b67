import GRDB
import IPC
import IPLD
import Repo

/// Blobs in records: RepoService's side of the references that keep blobs alive.
///
/// Before a commit, every blob a created or updated record embeds is checked with BlobService
/// (stored, uploaded by this account, not taken down, the stored size and MIME type equal
/// to what the ref says) and referenced by the record, so the sweep cannot collect it between
/// the check and the commit. After the commit, references the records no longer hold are
/// released (an update dropping an image, a delete) and the kept ones stamped with the
/// commit's rev. If the commit fails, the new references are released again.
///
/// The two sides fail safe: a release lost to a crash or an unreachable BlobService leaves a
/// blob referenced that need not be (it is kept), never the other way round.
public struct BlobReferences: Sendable {
    let blobs: any BlobServiceAPI

    public init(blobs: any BlobServiceAPI) { self.blobs = blobs }

    /// One record's blobs before and after the write.
    struct Change {
        let uri: String
        let old: Set<String>
        let new: [BlobRef]
    }

    /// What `prepare` did, for `settle` or `undo`.
    struct Plan {
        let did: String
        let changes: [Change]
    }

    /// Checks and references the blobs of the batch's new records; throws BlobService's error
    /// (`BlobNotFound`, `InvalidMimeType`, …) for the first that fails, leaving no new reference.
    func prepare(did: String, writes: [RecordWrite], store: ActorStore) async throws -> Plan {
        var changes = [Change]()
        for write in writes {
            let path: String, record: DataValue?
            switch write {
            case .create(let p, let r), .update(let p, let r): (path, record) = (p, r)
            case .delete(let p): (path, record) = (p, nil)
            }
            let uri = "at://\(did)/\(path)"
            let new = record.map { Array(Set(BlobRef.all(in: $0))) } ?? []
            let old: Set<String>
            if case .create = write { old = [] } else { old = try await store.blobCIDs(recordURI: uri) }
            if new.isEmpty && old.isEmpty { continue }
            changes.append(Change(uri: uri, old: old, new: new))
        }
        var done = [Change]()
        for change in changes where !change.new.isEmpty {
            do {
                let refs = change.new.map { BlobTypes.BlobRef(cid: $0.ref.string, mimeType: $0.mimeType, size: $0.size) }
                _ = try await blobs.checkAndReference(.init(did: did, recordURI: change.uri, blobs: refs, rev: nil))
            } catch {
                await undo(Plan(did: did, changes: done))
                throw error
            }
            done.append(change)
        }
        return Plan(did: did, changes: changes)
    }

    /// After the commit at `rev`: each record keeps exactly its new blobs.
    func settle(_ plan: Plan, rev: String) async {
        for change in plan.changes {
            _ = try? await blobs.release(.init(did: plan.did, recordURI: change.uri, keep: change.new.map(\.ref.string), rev: rev))
        }
    }

    /// The commit failed: each record keeps its old blobs only.
    func undo(_ plan: Plan) async {
        for change in plan.changes where !change.new.isEmpty {
            _ = try? await blobs.release(.init(did: plan.did, recordURI: change.uri, keep: Array(change.old)))
        }
    }
}

extension ActorStore {
    /// The blobs the committed record at `recordURI` references.
    func blobCIDs(recordURI: String) async throws -> Set<String> {
        try await pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT blobCid FROM record_blob WHERE recordUri = ?", arguments: [recordURI]))
        }
    }
}
