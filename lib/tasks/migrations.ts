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
  // Team accounts (issue 12): better-auth's tables, exactly as its schema generator writes them for this
  // configuration (users with the admin plugin's role/ban columns and our daily_limit; sessions; accounts, which
  // hold password hashes and SSO links; verifications; hashed personal API keys) — created here, under our own
  // migration lock, never by better-auth at run time. Then pending invites and who started each task.
  `create table "users" ("id" text not null primary key, "name" text not null, "email" text not null unique, "email_verified" integer not null, "image" text, "created_at" date not null, "updated_at" date not null, "role" text, "banned" integer, "ban_reason" text, "ban_expires" date, "daily_limit" integer);
   create table "auth_sessions" ("id" text not null primary key, "expires_at" date not null, "token" text not null unique, "created_at" date not null, "updated_at" date not null, "ip_address" text, "user_agent" text, "user_id" text not null references "users" ("id") on delete cascade, "impersonated_by" text);
   create table "auth_accounts" ("id" text not null primary key, "account_id" text not null, "provider_id" text not null, "user_id" text not null references "users" ("id") on delete cascade, "access_token" text, "refresh_token" text, "id_token" text, "access_token_expires_at" date, "refresh_token_expires_at" date, "scope" text, "password" text, "created_at" date not null, "updated_at" date not null);
   create table "auth_verifications" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expires_at" date not null, "created_at" date not null, "updated_at" date not null);
   create table "api_keys" ("id" text not null primary key, "config_id" text not null, "name" text, "start" text, "reference_id" text not null, "prefix" text, "key" text not null, "refill_interval" integer, "refill_amount" integer, "last_refill_at" date, "enabled" integer, "rate_limit_enabled" integer, "rate_limit_time_window" integer, "rate_limit_max" integer, "request_count" integer, "remaining" integer, "last_request" date, "expires_at" date, "created_at" date not null, "updated_at" date not null, "permissions" text, "metadata" text);
   create index "auth_sessions_user_id_idx" on "auth_sessions" ("user_id");
   create index "auth_accounts_user_id_idx" on "auth_accounts" ("user_id");
   create index "auth_verifications_identifier_idx" on "auth_verifications" ("identifier");
   create index "api_keys_config_id_idx" on "api_keys" ("config_id");
   create index "api_keys_reference_id_idx" on "api_keys" ("reference_id");
   create index "api_keys_key_idx" on "api_keys" ("key");
   CREATE TABLE invites (
     id TEXT PRIMARY KEY,
     email TEXT NOT NULL,
     role TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     expires_at INTEGER NOT NULL,
     created_by TEXT,
     accepted_at INTEGER,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX invites_by_email ON invites (email);
   ALTER TABLE tasks ADD COLUMN created_by TEXT;
   ALTER TABLE tasks ADD COLUMN created_by_name TEXT;
   CREATE INDEX tasks_by_creator ON tasks (created_by, created_at DESC);`,
  // What FoxAPI reserved for the task (`usage.credits_reserved`, issue 14): shown on its card, summed per day.
  `ALTER TABLE tasks ADD COLUMN credits_reserved REAL;`,
  // Takes (issue 14): the tasks one click started share a group id; \`take\` is each one's place in it (1…N).
  `ALTER TABLE tasks ADD COLUMN group_id TEXT;
   ALTER TABLE tasks ADD COLUMN take INTEGER;
   CREATE INDEX tasks_by_group ON tasks (group_id);`,
  // Favourites (issue 14): a team-wide mark on a task, so Tasks can be narrowed to the keepers.
  `ALTER TABLE tasks ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX tasks_by_favourite ON tasks (favourite, created_at DESC);`,
  // Team (issue 12, phase 2): whose submit each reservation is, so a person's daily limit is counted in the same
  // transaction as the team's cap; and the Activity list (sign-ins, invites, role and limit changes, removals).
  `ALTER TABLE submissions ADD COLUMN user_id TEXT;
   CREATE INDEX submissions_by_user_day ON submissions (user_id, day);
   CREATE TABLE activity (
     id TEXT PRIMARY KEY,
     at INTEGER NOT NULL,
     actor_id TEXT,
     actor_name TEXT,
     action TEXT NOT NULL,
     subject TEXT,
     detail TEXT
   );
   CREATE INDEX activity_by_at ON activity (at DESC);`,
];
