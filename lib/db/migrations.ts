import type Database from "better-sqlite3";
import type { Pool } from "pg";
import { MIGRATIONS as SQLITE_MIGRATIONS } from "../tasks/migrations";

/**
 * PostgreSQL schema migrations, applied in order in one transaction; `schema_migrations` records how many have
 * run. Append only. The first one reaches the schema SQLite has after all of its own migrations.
 */
export const POSTGRES_MIGRATIONS: string[] = [
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
     upstream_created_at BIGINT,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     completed_at BIGINT,
     checked_at BIGINT,
     source_meta TEXT,
     result_expires_at BIGINT,
     archive_status TEXT,
     archive_path TEXT,
     archive_bytes BIGINT,
     archive_error TEXT,
     archive_attempts INTEGER NOT NULL DEFAULT 0,
     archive_next_at BIGINT,
     archived_at BIGINT,
     lease_owner TEXT,
     lease_until BIGINT,
     archive_lease_owner TEXT,
     archive_lease_until BIGINT
   );
   CREATE INDEX tasks_by_created ON tasks (created_at DESC, id DESC);
   CREATE INDEX tasks_by_parent ON tasks (parent_id);
   CREATE INDEX tasks_by_status ON tasks (status, created_at DESC);
   CREATE TABLE submissions (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     session_id TEXT NOT NULL,
     idempotency_key TEXT,
     request_hash TEXT NOT NULL,
     state TEXT NOT NULL,
     task_id TEXT,
     error TEXT,
     day TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     UNIQUE (session_id, idempotency_key)
   );
   CREATE INDEX submissions_by_day ON submissions (day, state);
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     revoked_at BIGINT
   );
   CREATE TABLE uploads (
     id TEXT PRIMARY KEY,
     upstream_id TEXT,
     session_id TEXT NOT NULL,
     url TEXT NOT NULL,
     filename TEXT NOT NULL,
     content_type TEXT NOT NULL,
     kind TEXT NOT NULL,
     size BIGINT NOT NULL,
     fingerprint TEXT,
     meta TEXT,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL
   );
   CREATE INDEX uploads_by_expiry ON uploads (expires_at);
   CREATE INDEX uploads_by_fingerprint ON uploads (fingerprint);
   CREATE TABLE rate_limits (
     key TEXT PRIMARY KEY,
     tokens DOUBLE PRECISION NOT NULL,
     at BIGINT NOT NULL
   );`,
  // Live results (issue 16): one sequence numbers every change a page should see, for Last-Event-ID resume. The
  // column's default takes a number, which also numbers existing rows once.
  `CREATE SEQUENCE task_change_seq;
   ALTER TABLE tasks ADD COLUMN change_seq BIGINT NOT NULL DEFAULT nextval('task_change_seq');
   ALTER TABLE tasks ADD COLUMN changed_at BIGINT;
   CREATE INDEX tasks_by_change ON tasks (change_seq);`,
  // What the server couldn't confirm before spending (a clip it couldn't probe), shown on the task's card.
  `ALTER TABLE tasks ADD COLUMN warnings TEXT;`,
  // Team accounts (issue 12): better-auth's tables, exactly as its schema generator writes them for this
  // configuration (users with the admin plugin's role/ban columns and our daily_limit; sessions; accounts, which
  // hold password hashes and SSO links; verifications; hashed personal API keys) — created here, under our own
  // migration lock, never by better-auth at run time. Then pending invites and who started each task.
  `create table "users" ("id" text not null primary key, "name" text not null, "email" text not null unique, "email_verified" boolean not null, "image" text, "created_at" timestamptz default CURRENT_TIMESTAMP not null, "updated_at" timestamptz default CURRENT_TIMESTAMP not null, "role" text, "banned" boolean, "ban_reason" text, "ban_expires" timestamptz, "daily_limit" integer);
   create table "auth_sessions" ("id" text not null primary key, "expires_at" timestamptz not null, "token" text not null unique, "created_at" timestamptz default CURRENT_TIMESTAMP not null, "updated_at" timestamptz not null, "ip_address" text, "user_agent" text, "user_id" text not null references "users" ("id") on delete cascade, "impersonated_by" text);
   create table "auth_accounts" ("id" text not null primary key, "account_id" text not null, "provider_id" text not null, "user_id" text not null references "users" ("id") on delete cascade, "access_token" text, "refresh_token" text, "id_token" text, "access_token_expires_at" timestamptz, "refresh_token_expires_at" timestamptz, "scope" text, "password" text, "created_at" timestamptz default CURRENT_TIMESTAMP not null, "updated_at" timestamptz not null);
   create table "auth_verifications" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expires_at" timestamptz not null, "created_at" timestamptz default CURRENT_TIMESTAMP not null, "updated_at" timestamptz default CURRENT_TIMESTAMP not null);
   create table "api_keys" ("id" text not null primary key, "config_id" text not null, "name" text, "start" text, "reference_id" text not null, "prefix" text, "key" text not null, "refill_interval" integer, "refill_amount" integer, "last_refill_at" timestamptz, "enabled" boolean, "rate_limit_enabled" boolean, "rate_limit_time_window" integer, "rate_limit_max" integer, "request_count" integer, "remaining" integer, "last_request" timestamptz, "expires_at" timestamptz, "created_at" timestamptz not null, "updated_at" timestamptz not null, "permissions" text, "metadata" text);
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
     expires_at BIGINT NOT NULL,
     created_by TEXT,
     accepted_at BIGINT,
     created_at BIGINT NOT NULL
   );
   CREATE INDEX invites_by_email ON invites (email);
   ALTER TABLE tasks ADD COLUMN created_by TEXT;
   ALTER TABLE tasks ADD COLUMN created_by_name TEXT;
   CREATE INDEX tasks_by_creator ON tasks (created_by, created_at DESC);`,
  // What FoxAPI reserved for the task (`usage.credits_reserved`, issue 14): shown on its card, summed per day.
  `ALTER TABLE tasks ADD COLUMN credits_reserved DOUBLE PRECISION;`,
  // Takes (issue 14): the tasks one click started share a group id; \`take\` is each one's place in it (1…N).
  `ALTER TABLE tasks ADD COLUMN group_id TEXT;
   ALTER TABLE tasks ADD COLUMN take INTEGER;
   CREATE INDEX tasks_by_group ON tasks (group_id);`,
  // Favourites (issue 14): a team-wide mark on a task, so Tasks can be narrowed to the keepers.
  `ALTER TABLE tasks ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX tasks_by_favourite ON tasks (favourite, created_at DESC);`,
  // Team (issue 12, phase 2): a person's daily limit counted with the team's cap; the Activity list.
  `ALTER TABLE submissions ADD COLUMN user_id TEXT;
   CREATE INDEX submissions_by_user_day ON submissions (user_id, day);
   CREATE TABLE activity (
     id TEXT PRIMARY KEY,
     at BIGINT NOT NULL,
     actor_id TEXT,
     actor_name TEXT,
     action TEXT NOT NULL,
     subject TEXT,
     detail TEXT
   );
   CREATE INDEX activity_by_at ON activity (at DESC);`,
];

/** Any fixed number: every replica takes the same advisory lock, so only one migrates and the rest wait. */
const MIGRATION_LOCK = 724_311_905;

function tooNew(version: number, known: number): Error {
  return new Error(
    `The task database is newer (schema ${String(version)}) than this version of Retake understands (${String(known)}).`,
  );
}

/** SQLite: the migrations not yet applied, in one transaction, counted by `PRAGMA user_version` as before. */
export function migrateSqlite(db: Database.Database): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SQLITE_MIGRATIONS.length) throw tooNew(version, SQLITE_MIGRATIONS.length);
  // IMMEDIATE: a second process opening the same file waits for the first instead of migrating alongside it.
  db.transaction(() => {
    const now = db.pragma("user_version", { simple: true }) as number;
    for (let v = now; v < SQLITE_MIGRATIONS.length; v++) {
      db.exec(SQLITE_MIGRATIONS[v]!);
      db.pragma(`user_version = ${String(v + 1)}`);
    }
  }).immediate();
}

/**
 * PostgreSQL: one transaction holding a transaction-scoped advisory lock, so replicas starting together run each
 * migration exactly once (the others wait for the lock, then find nothing left to do).
 */
export async function migratePostgres(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL)");
    const { rows } = await client.query<{ version: number }>(
      "SELECT COALESCE(MAX(version), 0)::int AS version FROM schema_migrations",
    );
    const version = rows[0]?.version ?? 0;
    if (version > POSTGRES_MIGRATIONS.length) throw tooNew(version, POSTGRES_MIGRATIONS.length);
    for (let v = version; v < POSTGRES_MIGRATIONS.length; v++) {
      await client.query(POSTGRES_MIGRATIONS[v]!);
      await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [v + 1]);
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
