import crypto from "node:crypto";
import type { TaskStore } from "./store";

/**
 * Every submit is written down before the upstream is called: the idempotency key that makes a retry safe, and
 * the reservation the daily spend cap counts. better-sqlite3 is synchronous and Node runs one statement at a time,
 * so check-then-insert inside one transaction is atomic: 50 concurrent submits against a cap of 10 reserve 10.
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
}

const SELECT = `SELECT id, session_id AS sessionId, idempotency_key AS idempotencyKey, request_hash AS requestHash,
  state, task_id AS taskId, error, day, created_at AS createdAt FROM submissions`;

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
  | { kind: "over_cap"; used: number; cap: number };

export function createSubmissions(store: TaskStore) {
  const db = store.db;
  const byKey = db.prepare(`${SELECT} WHERE session_id = ? AND idempotency_key = ?`);
  const byId = db.prepare(`${SELECT} WHERE id = ?`);
  // Rejected submits cost nothing upstream, so they don't count against the cap; unknown outcomes might have.
  const countDay = db.prepare(
    `SELECT COUNT(*) AS n FROM submissions WHERE day = ? AND state IN ('sending', 'created', 'unknown')`,
  );
  const insert = db.prepare(
    `INSERT INTO submissions (session_id, idempotency_key, request_hash, state, day, created_at)
     VALUES (?, ?, ?, 'sending', ?, ?)`,
  );
  const finish = db.prepare(`UPDATE submissions SET state = ?, task_id = ?, error = ? WHERE id = ?`);
  const rearm = db.prepare(
    `UPDATE submissions SET state = 'sending', task_id = NULL, error = NULL, day = ?, created_at = ? WHERE id = ?`,
  );

  const reserve = db.transaction(
    (args: {
      sessionId: string;
      key: string | null;
      hash: string;
      cap: number | undefined;
      now: number;
    }): Reservation => {
      const existing = args.key ? (byKey.get(args.sessionId, args.key) as Submission | undefined) : undefined;
      if (existing && existing.requestHash !== args.hash) return { kind: "mismatch", submission: existing };
      // A key the upstream refused outright (nothing created, nothing charged) is a fresh attempt when retried:
      // the refusal says to try again, and the studio keeps the key while the values are unchanged.
      if (existing && existing.state !== "rejected") return { kind: "existing", submission: existing };
      const day = utcDay(args.now);
      if (args.cap !== undefined) {
        const used = (countDay.get(day) as { n: number }).n;
        if (used >= args.cap) return { kind: "over_cap", used, cap: args.cap };
      }
      if (existing) {
        rearm.run(day, args.now, existing.id);
        return { kind: "new", submission: byId.get(existing.id) as Submission };
      }
      const info = insert.run(args.sessionId, args.key, args.hash, day, args.now);
      return { kind: "new", submission: byId.get(info.lastInsertRowid) as Submission };
    },
  );

  return {
    reserve,
    get: (id: number) => byId.get(id) as Submission | undefined,
    finish(id: number, state: Exclude<SubmissionState, "sending">, taskId: string | null, error: unknown) {
      finish.run(state, taskId, error === null ? null : JSON.stringify(error), id);
    },
    usedToday(now: number) {
      return (countDay.get(utcDay(now)) as { n: number }).n;
    },
  };
}

export type Submissions = ReturnType<typeof createSubmissions>;
