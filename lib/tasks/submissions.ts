import crypto from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../db";
import { type TaskRecord, changeStamp, storable } from "./store";

/**
 * Every submit is written down before the upstream is called: the idempotency key that makes a retry safe, and
 * the reservation the daily spend cap counts. A reservation is one transaction that reads the key and the day's
 * count and then inserts: on PostgreSQL it first takes a transaction-scoped advisory lock, so reservations from
 * every replica are taken one at a time and 30 concurrent submits against a cap of 10 reserve exactly 10; the
 * unique (session, key) index is the last word on a key sent to two replicas at once. SQLite runs one process,
 * whose single connection already takes transactions one at a time.
 */
export type SubmissionState = "sending" | "created" | "rejected" | "unknown";

export interface Submission {
  id: number;
  sessionId: string;
  idempotencyKey: string | null;
  requestHash: string;
  state: SubmissionState;
  taskId: string | null;
  error: string | null;
  day: string;
  createdAt: number;
  userId: string | null;
}

/** A person's own daily limit (accounts mode), counted beside the team's cap in the same transaction. */
export interface PersonLimit {
  userId: string;
  /** Tasks per UTC day; null: only the team's cap applies (their submits are still counted as theirs). */
  limit: number | null;
}

export const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Seconds until the next UTC midnight, when the daily cap resets. */
export function secondsToNextDay(t: number): number {
  const next = new Date(t);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((next.getTime() - t) / 1000));
}

/** A stable hash of what was asked for: the same key with a different body is refused. */
export function hashRequest(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return crypto
    .createHash("sha256")
    .update(JSON.stringify(canonical(value)))
    .digest("hex");
}

export type Reservation =
  | { kind: "new"; submission: Submission }
  | { kind: "existing"; submission: Submission }
  | { kind: "mismatch"; submission: Submission }
  | { kind: "over_cap"; used: number; cap: number; scope: "team" | "person" };

/** Any fixed number: the advisory lock every replica takes around a reservation. */
const RESERVE_LOCK = 724_311_906;

/** States that count against the cap: rejected submits cost nothing upstream; unknown outcomes might have. */
const COUNTED = ["sending", "created", "unknown"];

export function createSubmissions(source: Db | { conn: Db }) {
  const conn = "conn" in source ? source.conn : source;
  const db = async () => {
    await conn.ready;
    return conn.kysely;
  };

  async function reserve(args: {
    sessionId: string;
    key: string | null;
    hash: string;
    cap: number | undefined;
    now: number;
    person?: PersonLimit | null;
  }): Promise<Reservation> {
    const batch = await reserveBatch({ ...args, items: [{ key: args.key, hash: args.hash }] });
    return batch.kind === "ok" ? batch.reservations[0]! : batch;
  }

  /**
   * Several submits reserved together (the takes of one click), all or nothing, in one transaction: each key is
   * looked up as `reserve` does; if the new ones would pass the day's cap, none is reserved and the answer says
   * how many the cap still allows. A mismatched key refuses the whole batch.
   */
  async function reserveBatch(args: {
    sessionId: string;
    items: { key: string | null; hash: string }[];
    cap: number | undefined;
    now: number;
    person?: PersonLimit | null;
  }): Promise<
    | { kind: "ok"; reservations: Extract<Reservation, { kind: "new" | "existing" }>[] }
    | { kind: "mismatch"; submission: Submission }
    | { kind: "over_cap"; used: number; cap: number; scope: "team" | "person" }
  > {
    return (await db()).transaction().execute(async (trx) => {
      if (conn.engine === "postgres") await sql`SELECT pg_advisory_xact_lock(${RESERVE_LOCK})`.execute(trx);
      const found: (Submission | undefined)[] = [];
      for (const item of args.items) {
        const existing = item.key
          ? ((await trx
              .selectFrom("submissions")
              .selectAll()
              .where("sessionId", "=", args.sessionId)
              .where("idempotencyKey", "=", item.key)
              .executeTakeFirst()) as Submission | undefined)
          : undefined;
        if (existing && existing.requestHash !== item.hash)
          return { kind: "mismatch" as const, submission: existing };
        found.push(existing);
      }
      // A key the upstream refused outright (nothing created, nothing charged) is a fresh attempt when retried:
      // the refusal says to try again, and the studio keeps the key while the values are unchanged.
      const fresh = found.filter((e) => !e || e.state === "rejected").length;
      const day = utcDay(args.now);
      // The person's own limit first (the stricter answer for them), then the team's: both under the same lock.
      const person = args.person ?? null;
      if (person?.limit != null && fresh > 0) {
        const used = await countDay(trx, day, person.userId);
        if (used + fresh > person.limit)
          return { kind: "over_cap" as const, used, cap: person.limit, scope: "person" as const };
      }
      if (args.cap !== undefined && fresh > 0) {
        const used = await countDay(trx, day);
        if (used + fresh > args.cap)
          return { kind: "over_cap" as const, used, cap: args.cap, scope: "team" as const };
      }
      const reservations: Extract<Reservation, { kind: "new" | "existing" }>[] = [];
      for (const [i, item] of args.items.entries()) {
        const existing = found[i];
        if (existing && existing.state !== "rejected") {
          reservations.push({ kind: "existing", submission: existing });
          continue;
        }
        reservations.push({
          kind: "new",
          submission: await insertOrRetry(
            trx,
            args.sessionId,
            item,
            existing,
            day,
            args.now,
            person?.userId ?? null,
          ),
        });
      }
      return { kind: "ok" as const, reservations };
    });
  }

  async function insertOrRetry(
    trx: Awaited<ReturnType<typeof db>>,
    sessionId: string,
    item: { key: string | null; hash: string },
    existing: Submission | undefined,
    day: string,
    now: number,
    userId: string | null,
  ): Promise<Submission> {
    const row = existing
      ? await trx
          .updateTable("submissions")
          .set({ state: "sending", taskId: null, error: null, day, createdAt: now, userId })
          .where("id", "=", existing.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto("submissions")
          .values({
            sessionId,
            idempotencyKey: item.key,
            requestHash: item.hash,
            state: "sending",
            day,
            createdAt: now,
            userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
    return row as Submission;
  }

  /** Submits counted against a cap on `day`: the team's, or one person's. */
  async function countDay(q: Awaited<ReturnType<typeof db>>, day: string, userId?: string): Promise<number> {
    let query = q
      .selectFrom("submissions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("day", "=", day)
      .where("state", "in", COUNTED);
    if (userId !== undefined) query = query.where("userId", "=", userId);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  return {
    reserve,
    reserveBatch,
    async get(id: number): Promise<Submission | undefined> {
      return (await (
        await db()
      )
        .selectFrom("submissions")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirst()) as Submission | undefined;
    },
    async finish(
      id: number,
      state: Exclude<SubmissionState, "sending">,
      taskId: string | null,
      error: unknown,
    ): Promise<void> {
      await (
        await db()
      )
        .updateTable("submissions")
        .set({ state, taskId, error: error === null ? null : JSON.stringify(error) })
        .where("id", "=", id)
        .execute();
    },
    /** Records the task the upstream created and marks its submission created, together or not at all. */
    async recordCreated(id: number, record: TaskRecord): Promise<void> {
      await (await db()).transaction().execute(async (trx) => {
        await trx
          .insertInto("tasks")
          .values({ ...storable(record), ...changeStamp(conn.engine) })
          .execute();
        await trx
          .updateTable("submissions")
          .set({ state: "created", taskId: record.id, error: null })
          .where("id", "=", id)
          .execute();
      });
    },
    /** Submits counted today: the team's, or (with `userId`) one person's. */
    async usedToday(now: number, userId?: string): Promise<number> {
      return countDay(await db(), utcDay(now), userId);
    },
  };
}

export type Submissions = ReturnType<typeof createSubmissions>;
