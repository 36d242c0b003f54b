import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { type Db, openDb } from ".";

/*
 * Test databases for the store contract suite: SQLite in memory, and PostgreSQL from TEST_DATABASE_URL,
 * DATABASE_URL or the project's own cluster (`bash scripts/services/postgres.sh start`). Each PostgreSQL test
 * file gets a schema of its own, so suites can run side by side on one cluster.
 */

/** The PostgreSQL to test against, or null when there is none (CI fails instead: see `requirePostgres`). */
export function postgresTestUrl(): string | null {
  const fromEnv = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (fromEnv) return fromEnv;
  const script = path.join(process.cwd(), "scripts/services/postgres.sh");
  if (!fs.existsSync(path.join(process.cwd(), ".services/pg/port"))) return null;
  try {
    const out = execFileSync("bash", [script, "env"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return /^DATABASE_URL=(.+)$/m.exec(out)?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether the PostgreSQL half of a suite runs. Locally, without a cluster, it is left out with a note; in CI
 * (`CI` set) a missing PostgreSQL is an error, so the PostgreSQL run can never be skipped silently there.
 */
export function requirePostgres(): string | null {
  const url = postgresTestUrl();
  if (url) return url;
  const message =
    "No PostgreSQL for the store contract tests: set TEST_DATABASE_URL or run `bash scripts/services/postgres.sh start`.";
  if (process.env.CI) throw new Error(message);
  console.warn(`[store contract] ${message} Running against SQLite only.`);
  return null;
}

/** A fresh schema on the server at `url`; `open()` connects to it (as often as a test wants: replicas). */
export async function createTestSchema(
  url: string,
): Promise<{ url: string; open: () => Db; drop: () => Promise<void> }> {
  const schema = `t_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set("options", `-c search_path=${schema}`);
  const opened: Db[] = [];
  return {
    url: scoped.toString(),
    open() {
      const db = openDb({ databaseUrl: scoped.toString(), maxConnections: 20 });
      opened.push(db);
      return db;
    },
    async drop() {
      await Promise.all(opened.map((db) => db.close()));
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** Empties every table, between tests on one PostgreSQL schema. */
export async function truncateAll(db: Db): Promise<void> {
  await db.ready;
  const { sql } = await import("kysely");
  await sql`TRUNCATE tasks, submissions, sessions, uploads, users, auth_sessions, auth_accounts, auth_verifications, api_keys, invites RESTART IDENTITY`.execute(
    db.kysely,
  );
  // The rate limiter's table is made by rate-limiter-flexible on first use, so it may not be there yet.
  await sql`DO $$ BEGIN IF to_regclass('rate_limits_rlf') IS NOT NULL THEN TRUNCATE rate_limits_rlf; END IF; END $$`.execute(
    db.kysely,
  );
}
