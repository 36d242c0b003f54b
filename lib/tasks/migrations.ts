/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run. Append only: never edit
 * one that has shipped.
 */
export const MIGRATIONS: string[] = [
  `CREATE TABLE tasks (
     id TEXT PRIMARY KEY,
     model TEXT NOT NULL,
     input TEXT NOT NULL,
     status TEXT NOT NULL,
     raw_status TEXT,
     progress INTEGER NOT NULL DEFAULT 0,
     result_url TEXT,
     error_code TEXT,
     error_message TEXT,
     estimated_seconds INTEGER,
     parent_id TEXT,
     upstream_created_at INTEGER,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     completed_at INTEGER,
     checked_at INTEGER
   );
   CREATE INDEX tasks_by_created ON tasks (created_at DESC, id DESC);`,
  // Results copied into our own storage before the provider's 24 h link dies; lineage; measured source media.
  `ALTER TABLE tasks ADD COLUMN source_meta TEXT;
   ALTER TABLE tasks ADD COLUMN result_expires_at INTEGER;
   ALTER TABLE tasks ADD COLUMN archive_status TEXT;
   ALTER TABLE tasks ADD COLUMN archive_path TEXT;
   ALTER TABLE tasks ADD COLUMN archive_bytes INTEGER;
   ALTER TABLE tasks ADD COLUMN archive_error TEXT;
   ALTER TABLE tasks ADD COLUMN archive_attempts INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE tasks ADD COLUMN archive_next_at INTEGER;
   ALTER TABLE tasks ADD COLUMN archived_at INTEGER;
   CREATE INDEX tasks_by_parent ON tasks (parent_id);
   CREATE INDEX tasks_by_status ON tasks (status, created_at DESC);`,
];
