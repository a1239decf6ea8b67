import GRDB

/// The tables of one account's store, as the reference PDS's actor store keeps them.
enum ActorStoreSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            // The repo head: one row.
            try db.execute(sql: """
                CREATE TABLE repo_root (did TEXT PRIMARY KEY, cid TEXT NOT NULL, rev TEXT NOT NULL, indexedAt TEXT NOT NULL);
                CREATE TABLE repo_block (cid BLOB PRIMARY KEY, repoRev TEXT NOT NULL, size INTEGER NOT NULL, content BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX repo_block_rev ON repo_block (repoRev, cid);
                CREATE TABLE record (
                    uri TEXT PRIMARY KEY, cid TEXT NOT NULL, collection TEXT NOT NULL, rkey TEXT NOT NULL,
                    repoRev TEXT NOT NULL, indexedAt TEXT NOT NULL, takedownRef TEXT);
                CREATE INDEX record_collection_rkey ON record (collection, rkey);
                CREATE INDEX record_rev ON record (repoRev);
                CREATE TABLE record_blob (blobCid TEXT NOT NULL, recordUri TEXT NOT NULL, PRIMARY KEY (blobCid, recordUri)) WITHOUT ROWID;
                CREATE INDEX record_blob_uri ON record_blob (recordUri);
                CREATE TABLE account_pref (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, valueJson TEXT NOT NULL);
                CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, rev TEXT NOT NULL UNIQUE, event BLOB NOT NULL, createdAt TEXT NOT NULL);
                """)
        }
        m.registerMigration("v2") { db in
            // The outbox carries `#sync` events beside `#commit`s, so it names each row's kind
            // and the key FirehoseService de-duplicates it by (a commit's rev; several `#sync`s
            // can share a rev, so theirs adds the time). `record_cid` lets a commit tell whether
            // a record block it supersedes is still used under another key before dropping it.
            // `repo_meta.blocks = 'live'` marks a store whose repo_block holds exactly the
            // current repo (created or rebuilt since superseded blocks are dropped), which a
            // full export can then read in one pass instead of walking the tree.
            try db.execute(sql: """
                CREATE TABLE outbox_event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, rev TEXT NOT NULL,
                    dedupeKey TEXT NOT NULL, event BLOB NOT NULL, createdAt TEXT NOT NULL);
                INSERT INTO outbox_event (id, kind, rev, dedupeKey, event, createdAt)
                    SELECT id, '#commit', rev, rev, event, createdAt FROM outbox;
                DROP TABLE outbox;
                CREATE INDEX record_cid ON record (cid);
                CREATE TABLE repo_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
        }
        return m
    }
}
