/**
 * SQLite schema migrations, applied in order; `PRAGMA user_version` records how many have run. Append only: never
 * edit one that has shipped. PostgreSQL's own list (`lib/db/migrations.ts`) reaches the same schema.
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
  // Trust: every submit is recorded before the upstream is called (idempotency keys, the daily spend cap),
  // and sign-in sessions can be revoked.
  `CREATE TABLE submissions (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     session_id TEXT NOT NULL,
     idempotency_key TEXT,
     request_hash TEXT NOT NULL,
     state TEXT NOT NULL,
     task_id TEXT,
     error TEXT,
     day TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     UNIQUE (session_id, idempotency_key)
   );
   CREATE INDEX submissions_by_day ON submissions (day, state);
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     revoked_at INTEGER
   );`,
  // Local files uploaded to become public URLs, remembered so the same file is not uploaded twice before the
  // upstream deletes it (about 72 h).
  `CREATE TABLE uploads (
     id TEXT PRIMARY KEY,
     upstream_id TEXT,
     session_id TEXT NOT NULL,
     url TEXT NOT NULL,
     filename TEXT NOT NULL,
     content_type TEXT NOT NULL,
     kind TEXT NOT NULL,
     size INTEGER NOT NULL,
     fingerprint TEXT,
     meta TEXT,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX uploads_by_expiry ON uploads (expires_at);
   CREATE INDEX uploads_by_fingerprint ON uploads (fingerprint);`,
  // Several replicas: leases on the task row decide who asks the upstream and who copies a result; shared
  // rate-limit buckets.
  `ALTER TABLE tasks ADD COLUMN lease_owner TEXT;
   ALTER TABLE tasks ADD COLUMN lease_until INTEGER;
   ALTER TABLE tasks ADD COLUMN archive_lease_owner TEXT;
   ALTER TABLE tasks ADD COLUMN archive_lease_until INTEGER;
   CREATE TABLE rate_limits (
     key TEXT PRIMARY KEY,
     tokens REAL NOT NULL,
     at INTEGER NOT NULL
   );`,
  // Live results (issue 16): every change a page should see takes the next number of one global counter, so a
  // page that reconnects asks for "everything after N" in one indexed query. Existing rows are numbered once.
  `ALTER TABLE tasks ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE tasks ADD COLUMN changed_at INTEGER;
   UPDATE tasks SET change_seq = rowid, changed_at = updated_at;
   CREATE INDEX tasks_by_change ON tasks (change_seq);`,
  // What the server couldn't confirm before spending (a clip it couldn't probe), shown on the task's card.
  `ALTER TABLE tasks ADD COLUMN warnings TEXT;`,
];
