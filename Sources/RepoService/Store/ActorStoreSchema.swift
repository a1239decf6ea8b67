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
        return m
    }
}
