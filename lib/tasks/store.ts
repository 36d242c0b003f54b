import { type Kysely, sql } from "kysely";
import { type Database, type Db, openDb } from "../db";
import type { TaskStatus } from "../foxapi/normalize";

/** A row of the `tasks` table, in camelCase (its leases are the store's business, not the record's). */
export interface TaskRecord {
  id: string;
  model: string;
  input: string;
  status: TaskStatus;
  rawStatus: string | null;
  progress: number;
  resultUrl: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  estimatedSeconds: number | null;
  parentId: string | null;
  upstreamCreatedAt: number | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  checkedAt: number | null;
  /** JSON: what the browser measured of the source clip (`{ durationSeconds, width, height }`). */
  sourceMeta: string | null;
  /**
   * JSON: what the server couldn't confirm before spending (`{ field: message }`, e.g. a clip it couldn't probe);
   * null when everything was checked.
   */
  warnings?: string | null;
  /** When the provider's result link dies (FoxAPI: 24 h after completion). */
  resultExpiresAt: number | null;
  archiveStatus: ArchiveStatus | null;
  archivePath: string | null;
  archiveBytes: number | null;
  archiveError: string | null;
  archiveAttempts: number;
  archiveNextAt: number | null;
  archivedAt: number | null;
}

export type ArchiveStatus = "pending" | "stored" | "failed";

export interface ListQuery {
  limit: number;
  cursor?: { createdAt: number; id: string };
  model?: string;
  status?: TaskStatus;
  search?: string;
}

const COLUMNS = [
  "id",
  "model",
  "input",
  "status",
  "rawStatus",
  "progress",
  "resultUrl",
  "errorCode",
  "errorMessage",
  "estimatedSeconds",
  "parentId",
  "upstreamCreatedAt",
  "createdAt",
  "updatedAt",
  "completedAt",
  "checkedAt",
  "sourceMeta",
  "warnings",
  "resultExpiresAt",
  "archiveStatus",
  "archivePath",
  "archiveBytes",
  "archiveError",
  "archiveAttempts",
  "archiveNextAt",
  "archivedAt",
] as const satisfies readonly (keyof TaskRecord)[];

const UNFINISHED = ["completed", "failed"];

/** Columns that are 32-bit INTEGER in PostgreSQL (the other numbers are BIGINT). */
const INT32 = new Set<string>(["progress", "estimatedSeconds", "archiveAttempts"]);

/**
 * What reaches a row is storable on either engine: SQLite takes any number and any text, PostgreSQL refuses NUL
 * characters in text and numbers past a column's range. Upstream answers are not ours to trust, so an
 * out-of-range number becomes null (a fraction is rounded) and NULs are dropped, rather than a 500 on PostgreSQL.
 */
export function storable<T extends Partial<TaskRecord>>(values: T): T {
  const out: Record<string, unknown> = { ...values };
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === "string" && value.includes("\u0000")) out[key] = value.replaceAll("\u0000", "");
    else if (typeof value === "number") {
      const n = Math.round(value);
      const max = INT32.has(key) ? 2_147_483_647 : Number.MAX_SAFE_INTEGER;
      out[key] =
        Number.isFinite(n) && Math.abs(n) <= max
          ? n
          : key === "progress" || key === "archiveAttempts"
            ? 0
            : null;
    }
  }
  return out as T;
}

/**
 * The tasks table, on either engine. Every method is async, so the same service runs over SQLite in one process or
 * PostgreSQL shared by several replicas. Leases live on the task row: `lease*` says who asks the upstream about a
 * task, `archiveLease*` who copies its result; a lease runs out on its own when its holder dies.
 */
export class TaskStore {
  readonly conn: Db;

  /** A database, or an SQLite file path (`:memory:` for tests) to open. */
  constructor(conn: Db | string) {
    this.conn = typeof conn === "string" ? openDb({ file: conn }) : conn;
  }

  close(): Promise<void> {
    return this.conn.close();
  }

  private async db(): Promise<Kysely<Database>> {
    await this.conn.ready;
    return this.conn.kysely;
  }

  async insert(record: TaskRecord): Promise<void> {
    await (await this.db()).insertInto("tasks").values(storable(record)).execute();
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = await (
      await this.db()
    )
      .selectFrom("tasks")
      .select(COLUMNS)
      .where("id", "=", id)
      .executeTakeFirst();
    return row as TaskRecord | undefined;
  }

  async update(id: string, patch: Partial<Omit<TaskRecord, "id">>): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await (await this.db()).updateTable("tasks").set(storable(patch)).where("id", "=", id).execute();
  }

  /** Newest first, keyset-paged so a page stays stable while new tasks arrive. */
  async list(query: ListQuery): Promise<TaskRecord[]> {
    const db = await this.db();
    let q = db.selectFrom("tasks").select(COLUMNS);
    if (query.cursor)
      q = q.where(sql<boolean>`(created_at, id) < (${query.cursor.createdAt}, ${query.cursor.id})`);
    if (query.model) q = q.where("model", "=", query.model);
    if (query.status) q = q.where("status", "=", query.status);
    if (query.search) {
      const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE does the same there.
      q = q.where(
        this.conn.engine === "postgres"
          ? sql<boolean>`(input::jsonb ->> 'prompt') ILIKE ${pattern} ESCAPE '\\'`
          : sql<boolean>`json_extract(input, '$.prompt') LIKE ${pattern} ESCAPE '\\'`,
      );
    }
    const rows = await q.orderBy("createdAt", "desc").orderBy("id", "desc").limit(query.limit).execute();
    return rows as TaskRecord[];
  }

  /** The chain of parents of a task, nearest first (bounded, so a corrupt cycle can't loop). */
  async ancestors(id: string, max = 50): Promise<TaskRecord[]> {
    const out: TaskRecord[] = [];
    const seen = new Set([id]);
    let current = (await this.get(id))?.parentId ?? null;
    while (current && !seen.has(current) && out.length < max) {
      seen.add(current);
      const parent = await this.get(current);
      if (!parent) break;
      out.push(parent);
      current = parent.parentId;
    }
    return out;
  }

  async children(id: string): Promise<TaskRecord[]> {
    const rows = await (
      await this.db()
    )
      .selectFrom("tasks")
      .select(COLUMNS)
      .where("parentId", "=", id)
      .orderBy("createdAt")
      .execute();
    return rows as TaskRecord[];
  }

  /**
   * Completed tasks whose result is not yet in our storage and whose next attempt is due, including copies left
   * "pending" by a replica that died mid-copy, once its copy lease has run out.
   */
  async archiveDue(now: number, limit = 10): Promise<TaskRecord[]> {
    const rows = await (
      await this.db()
    )
      .selectFrom("tasks")
      .select(COLUMNS)
      .where("status", "=", "completed")
      .where("resultUrl", "is not", null)
      .where((eb) =>
        eb.or([
          eb("archiveStatus", "is", null),
          eb("archiveStatus", "=", "failed"),
          eb.and([
            eb("archiveStatus", "=", "pending"),
            eb.or([eb("archiveLeaseUntil", "is", null), eb("archiveLeaseUntil", "<=", now)]),
          ]),
        ]),
      )
      .where((eb) => eb.or([eb("archiveNextAt", "is", null), eb("archiveNextAt", "<=", now)]))
      .orderBy("completedAt")
      .limit(limit)
      .execute();
    return rows as TaskRecord[];
  }

  /** Tasks not yet in a final state: a restarted server picks them up again. */
  async unfinished(limit = 1000): Promise<TaskRecord[]> {
    const rows = await (
      await this.db()
    )
      .selectFrom("tasks")
      .select(COLUMNS)
      .where("status", "not in", UNFINISHED)
      .orderBy("createdAt")
      .limit(limit)
      .execute();
    return rows as TaskRecord[];
  }

  /**
   * Takes the task's status lease for `owner` until `now + ttlMs` when it is free (never taken, run out, or
   * already ours), in one statement, so two replicas can't both win. Returns the record as it is now (so the
   * winner can see whether another replica has just refreshed it), or undefined when someone else holds it.
   */
  async acquireLease(
    kind: "status" | "archive",
    id: string,
    owner: string,
    now: number,
    ttlMs: number,
  ): Promise<TaskRecord | undefined> {
    const [ownerCol, untilCol] =
      kind === "status"
        ? (["leaseOwner", "leaseUntil"] as const)
        : (["archiveLeaseOwner", "archiveLeaseUntil"] as const);
    const row = await (
      await this.db()
    )
      .updateTable("tasks")
      .set({ [ownerCol]: owner, [untilCol]: now + ttlMs })
      .where("id", "=", id)
      .where((eb) => eb.or([eb(untilCol, "is", null), eb(untilCol, "<=", now), eb(ownerCol, "=", owner)]))
      .returning(COLUMNS)
      .executeTakeFirst();
    return row as TaskRecord | undefined;
  }

  async releaseLease(kind: "status" | "archive", id: string, owner: string): Promise<void> {
    const [ownerCol, untilCol] =
      kind === "status"
        ? (["leaseOwner", "leaseUntil"] as const)
        : (["archiveLeaseOwner", "archiveLeaseUntil"] as const);
    await (
      await this.db()
    )
      .updateTable("tasks")
      .set({ [ownerCol]: null, [untilCol]: null })
      .where("id", "=", id)
      .where(ownerCol, "=", owner)
      .execute();
  }

  /**
   * Claims up to `limit` unfinished tasks whose status lease is free, for the background worker: on PostgreSQL
   * with `FOR UPDATE SKIP LOCKED`, so replicas sweeping at the same moment take different tasks instead of
   * queueing on the same rows. A claim is a lease: if this replica dies, it runs out and another takes the task.
   */
  async claimUnfinished(owner: string, now: number, ttlMs: number, limit: number): Promise<TaskRecord[]> {
    const db = await this.db();
    const rows = await db.transaction().execute(async (trx) => {
      let pick = trx
        .selectFrom("tasks")
        .select("id")
        .where("status", "not in", UNFINISHED)
        .where((eb) => eb.or([eb("leaseUntil", "is", null), eb("leaseUntil", "<=", now)]))
        .orderBy((eb) => eb.fn.coalesce("checkedAt", eb.lit(0)))
        .limit(limit);
      if (this.conn.engine === "postgres") pick = pick.forUpdate().skipLocked();
      const ids = (await pick.execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      return trx
        .updateTable("tasks")
        .set({ leaseOwner: owner, leaseUntil: now + ttlMs })
        .where("id", "in", ids)
        .returning(COLUMNS)
        .execute();
    });
    return rows as TaskRecord[];
  }
}
