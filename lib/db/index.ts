import fs from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migratePostgres, migrateSqlite } from "./migrations";
import type { Database, Engine } from "./schema";

export type { Database, Engine } from "./schema";

/**
 * One query layer over both engines: Kysely, given better-sqlite3 (the default, a file in DATA_DIR) or a `pg` pool
 * (DATABASE_URL). Every store in the app queries through `kysely`; only migrations and a few locks differ by engine.
 */
export interface Db {
  readonly engine: Engine;
  readonly kysely: Kysely<Database>;
  /**
   * The driver under Kysely, for the one library that brings its own queries: the shared rate limiter
   * (`rate-limiter-flexible`) takes the pg Pool or the better-sqlite3 Database itself.
   */
  readonly client: { engine: "postgres"; pool: pg.Pool } | { engine: "sqlite"; database: Sqlite.Database };
  /** Resolves once the schema is migrated (at once for SQLite, which migrates while opening). */
  readonly ready: Promise<void>;
  readonly closed: boolean;
  close(): Promise<void>;
}

export interface DbConfig {
  /** `postgres://…`: PostgreSQL. Unset: SQLite in `file`. */
  databaseUrl?: string;
  /** The SQLite file, or `:memory:`. */
  file?: string;
  /** The pool's connection cap per process (PostgreSQL). */
  maxConnections?: number;
}

/** BIGINT (int8) columns hold epoch milliseconds and counts: safe as JS numbers, so read them as numbers. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === 20 && format !== "binary"
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

export function openDb(config: DbConfig): Db {
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.maxConnections ?? 10,
      types,
    });
    // An idle client losing its server (a restart, a failover) must not crash the process; the next query reconnects.
    pool.on("error", (err) => console.error("[db] idle PostgreSQL connection failed:", err.message));
    const kysely = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      plugins: [new CamelCasePlugin()],
    });
    const ready = migratePostgres(pool);
    ready.catch(() => undefined); // awaited by every query; never an unhandled rejection on its own
    let closed = false;
    return {
      engine: "postgres",
      kysely,
      client: { engine: "postgres", pool },
      ready,
      get closed() {
        return closed;
      },
      async close() {
        if (closed) return;
        closed = true;
        await kysely.destroy();
        // Kysely only ends a pool it has used; the rate limiter queries the pool directly, so end it here too.
        if (!pool.ending) await pool.end();
      },
    };
  }
  const file = config.file ?? ":memory:";
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Sqlite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  try {
    migrateSqlite(sqlite);
  } catch (err) {
    sqlite.close();
    throw err;
  }
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    plugins: [new CamelCasePlugin()],
  });
  return {
    engine: "sqlite",
    kysely,
    client: { engine: "sqlite", database: sqlite },
    ready: Promise.resolve(),
    get closed() {
      return !sqlite.open;
    },
    async close() {
      if (sqlite.open) await kysely.destroy();
      // Kysely only closes a database it has used; the rate limiter uses it directly, so close it here too.
      if (sqlite.open) sqlite.close();
    },
  };
}
