import { type Kysely, type RawBuilder, sql } from "kysely";
import { type Database, type Db, type Engine, openDb } from "../db";
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
  /** What FoxAPI reserved for the task (`usage.credits_reserved`), when it said. */
  creditsReserved?: number | null;
  /** Takes (issue 14): the tasks one click started share this id; `take` is each one's place (1…N). */
  groupId?: string | null;
  take?: number | null;
  /** 1 when the team marked it a favourite (issue 14); new rows start at 0 (the column's default). */
  favourite?: number;
  /** When the provider's result link dies (FoxAPI: 24 h after completion). */
  resultExpiresAt: number | null;
  archiveStatus: ArchiveStatus | null;
  archivePath: string | null;
  archiveBytes: number | null;
  archiveError: string | null;
  archiveAttempts: number;
  archiveNextAt: number | null;
  archivedAt: number | null;
  /** Who started it (accounts mode): their user id and their name at the time. */
  createdBy?: string | null;
  createdByName?: string | null;
}

export type ArchiveStatus = "pending" | "stored" | "failed";

/** What the cost figures read of a task. */
export type CostRow = Pick<TaskRecord, "model" | "input" | "sourceMeta" | "createdAt"> & {
  creditsReserved: number | null;
  /** Who started it (accounts mode): "your own" day total. */
  createdBy: string | null;
};

/** One person's tasks with one model over a period (`usageByPerson`). */
export interface UsageGroup {
  /** Who started them (`created_by`): null for tasks started without accounts. */
  createdBy: string | null;
  createdByName: string | null;
  /** From `users`, when the person still has a row. */
  userName: string | null;
  userEmail: string | null;
  model: string;
  tasks: number;
  /** The sum of `credits_reserved` over the tasks that have one (0 when none has). */
  creditsReserved: number;
  tasksWithCredits: number;
}

export interface ListQuery {
  limit: number;
  cursor?: { createdAt: number; id: string };
  model?: string;
  status?: TaskStatus;
  search?: string;
  /** Only tasks this person started (the Tasks list's "Mine"). */
  createdBy?: string;
  /** Only the favourites. */
  favourite?: boolean;
}

const COLUMNS = [
  "id",
  "createdBy",
  "createdByName",
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
  "creditsReserved",
  "groupId",
  "take",
  "favourite",
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

/** A row as the change log hands it out: its state and the number of its last visible change. */
export type ChangedTask = TaskRecord & { changeSeq: number };

/**
 * PostgreSQL takes sequence numbers before commit, so two writers can commit 8 before 7; a reader resuming after 8
 * would then miss 7. `changesSince` also returns the rows changed this recently, whatever their number (a repeat
 * is harmless: an event is a task's whole state).
 */
export const CHANGE_REORDER_MS = 5_000;

type ChangeListener = (change: { taskId: string; seq: string }) => void;

/**
 * Where every store in the process also reports its changes (lib/live/runtime.ts sets it to the change bus). A
 * process-wide slot rather than a module variable: Next bundles the instrumentation hook (the background worker)
 * and the route handlers separately, each with its own copy of this module and its own store, and a change made
 * by either must reach the streams.
 */
export const CHANGE_SINK = Symbol.for("retake.taskChangeSink");

/**
 * The values that stamp a row with the next change number (issue 16): PostgreSQL's sequence; SQLite, whose one
 * writer holds the file's lock for the whole statement, `max + 1` in the same statement (indexed, so cheap).
 */
export function changeStamp(engine: Engine): { changeSeq: RawBuilder<number>; changedAt: number } {
  return {
    changeSeq:
      engine === "postgres"
        ? sql<number>`nextval('task_change_seq')`
        : sql<number>`(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM tasks)`,
    changedAt: Date.now(),
  };
}

/** Columns that are 32-bit INTEGER in PostgreSQL (the other numbers are BIGINT). */
const INT32 = new Set<string>(["progress", "estimatedSeconds", "archiveAttempts", "take"]);
/** Columns that hold real numbers (REAL / DOUBLE PRECISION): kept as they are, not rounded. */
const REAL = new Set<string>(["creditsReserved"]);

/**
 * What reaches a row is storable on either engine: SQLite takes any number and any text, PostgreSQL refuses NUL
 * characters in text and numbers past a column's range. Upstream answers are not ours to trust, so an
 * out-of-range number becomes null (a fraction is rounded) and NULs are dropped, rather than a 500 on PostgreSQL.
 */
export function storable<T extends Partial<TaskRecord>>(values: T): T {
  const out: Record<string, unknown> = { ...values };
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === "string" && value.includes("\u0000")) out[key] = value.replaceAll("\u0000", "");
    else if (typeof value === "number" && REAL.has(key)) {
      out[key] = Number.isFinite(value) && Math.abs(value) <= 1e15 ? value : null;
    } else if (typeof value === "number") {
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
  private listeners = new Set<ChangeListener>();

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

  /**
   * Called after every committed visible change with the row's new change number: the service hands it to the
   * change bus. Returns the unsubscribe.
   */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(taskId: string, seq: number | undefined) {
    if (seq === undefined) return;
    const sink = (globalThis as { [CHANGE_SINK]?: unknown })[CHANGE_SINK];
    const listeners =
      typeof sink === "function" ? [...this.listeners, sink as ChangeListener] : [...this.listeners];
    for (const l of listeners) {
      try {
        l({ taskId, seq: String(seq) });
      } catch (err) {
        console.error("[tasks] a change listener failed:", err instanceof Error ? err.message : err);
      }
    }
  }

  /** Announces a row written elsewhere (the submit's transaction) with its current change number. */
  async announce(id: string): Promise<void> {
    const row = await (
      await this.db()
    )
      .selectFrom("tasks")
      .select("changeSeq")
      .where("id", "=", id)
      .executeTakeFirst();
    this.emit(id, row?.changeSeq);
  }

  async insert(record: TaskRecord): Promise<void> {
    const row = await (
      await this.db()
    )
      .insertInto("tasks")
      .values({ ...storable(record), ...changeStamp(this.conn.engine) })
      .returning("changeSeq")
      .executeTakeFirst();
    this.emit(record.id, row?.changeSeq);
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

  /** Every update is a change a page may show (status, progress, result, when it was checked, archive state). */
  async update(id: string, patch: Partial<Omit<TaskRecord, "id">>): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    const row = await (
      await this.db()
    )
      .updateTable("tasks")
      .set({ ...storable(patch), ...changeStamp(this.conn.engine) })
      .where("id", "=", id)
      .returning("changeSeq")
      .executeTakeFirst();
    this.emit(id, row?.changeSeq);
  }

  /**
   * The change log for `Last-Event-ID` resume: rows whose last change is after `afterSeq` (plus, on PostgreSQL,
   * those changed in the last `CHANGE_REORDER_MS`), oldest change first, each once with its current state.
   * Every signed-in team member sees every task, so there is no per-viewer filter.
   */
  async changesSince(afterSeq: number, limit: number): Promise<ChangedTask[]> {
    const db = await this.db();
    let q = db.selectFrom("tasks").select([...COLUMNS, "changeSeq"]);
    q =
      this.conn.engine === "postgres"
        ? q.where((eb) =>
            eb.or([eb("changeSeq", ">", afterSeq), eb("changedAt", ">", Date.now() - CHANGE_REORDER_MS)]),
          )
        : q.where("changeSeq", ">", afterSeq);
    const rows = await q.orderBy("changeSeq").limit(limit).execute();
    return rows as ChangedTask[];
  }

  /** A task with the number of its last change (for its live event). */
  async getChanged(id: string): Promise<ChangedTask | undefined> {
    const row = await (
      await this.db()
    )
      .selectFrom("tasks")
      .select([...COLUMNS, "changeSeq"])
      .where("id", "=", id)
      .executeTakeFirst();
    return row as ChangedTask | undefined;
  }

  /** The latest change number (0 for an empty table): where a new stream starts. */
  async maxChangeSeq(): Promise<number> {
    const row = await (
      await this.db()
    )
      .selectFrom("tasks")
      .select((eb) => eb.fn.max("changeSeq").as("max"))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  /** Newest first, keyset-paged so a page stays stable while new tasks arrive. */
  async list(query: ListQuery): Promise<TaskRecord[]> {
    const db = await this.db();
    let q = db.selectFrom("tasks").select(COLUMNS);
    if (query.cursor)
      q = q.where(sql<boolean>`(created_at, id) < (${query.cursor.createdAt}, ${query.cursor.id})`);
    if (query.model) q = q.where("model", "=", query.model);
    if (query.status) q = q.where("status", "=", query.status);
    if (query.createdBy) q = q.where("createdBy", "=", query.createdBy);
    if (query.favourite) q = q.where("favourite", "=", 1);
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

  /** Tasks recorded since `t` (the day's totals): what prices and reserved credits are summed from. */
  async createdSince(t: number, limit = 10_000): Promise<CostRow[]> {
    const rows = await (
      await this.db()
    )
      .selectFrom("tasks")
      .select(["model", "input", "sourceMeta", "creditsReserved", "createdAt", "createdBy"])
      .where("createdAt", ">=", t)
      .orderBy("createdAt", "desc")
      .limit(limit)
      .execute();
    return rows as CostRow[];
  }

  /**
   * The usage report (issue 12): tasks started in `[from, to)` (epoch ms) per person and model, with the sum of
   * what FoxAPI reserved and how many of the tasks that sum covers. The person's current name and email come from
   * `users` when they still have a row; `createdByName` (their name when they started the task) otherwise. One row
   * per person and model: a person renamed between tasks is still one row (`createdByName` is then one of their
   * names, the greatest; it only shows when the `users` row is gone). `createdBy` limits it to one person's tasks (a member's view).
   */
  async usageByPerson(from: number, to: number, createdBy?: string): Promise<UsageGroup[]> {
    let q = (await this.db())
      .selectFrom("tasks as t")
      .leftJoin("users", "users.id", "t.createdBy")
      .select((eb) => [
        "t.createdBy as createdBy",
        eb.fn.max("t.createdByName").as("createdByName"),
        "users.name as userName",
        "users.email as userEmail",
        "t.model as model",
        eb.fn.countAll().as("tasks"),
        eb.fn.coalesce(eb.fn.sum<number>("t.creditsReserved"), sql<number>`0`).as("creditsReserved"),
        eb.fn.count("t.creditsReserved").as("tasksWithCredits"),
      ])
      .where("t.createdAt", ">=", from)
      .where("t.createdAt", "<", to);
    if (createdBy !== undefined) q = q.where("t.createdBy", "=", createdBy);
    const rows = await q
      .groupBy(["t.createdBy", "users.name", "users.email", "t.model"])
      .orderBy("t.createdBy")
      .orderBy("t.model")
      .execute();
    // COUNT is BIGINT on PostgreSQL (read back as a number, see lib/db) and SUM of DOUBLE PRECISION a double; the
    // Number() calls keep either engine's answer a plain number.
    return rows.map((r) => ({
      createdBy: r.createdBy ?? null,
      createdByName: r.createdByName ?? null,
      userName: r.userName ?? null,
      userEmail: r.userEmail ?? null,
      model: r.model,
      tasks: Number(r.tasks),
      creditsReserved: Number(r.creditsReserved),
      tasksWithCredits: Number(r.tasksWithCredits),
    }));
  }

  /** The latest tasks FoxAPI said it reserved credits for, newest first ("recent runs reserved"). */
  async recentlyReserved(limit = 200): Promise<CostRow[]> {
    const rows = await (
      await this.db()
    )
      .selectFrom("tasks")
      .select(["model", "input", "sourceMeta", "creditsReserved", "createdAt", "createdBy"])
      .where("creditsReserved", "is not", null)
      .orderBy("createdAt", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows as CostRow[];
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
