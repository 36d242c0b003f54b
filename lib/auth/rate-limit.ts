import type { Db } from "../db";

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A token bucket per key, kept in the database so every replica draws from the same bucket (sign-in attempts and
 * submits are limited per person, not per process). Written on Kysely rather than taken from a limiter library:
 * it runs on both of our engines through the one query layer and its migrations, with no second client or
 * table layout to manage, it is covered by the same store contract suite, and it keeps the token bucket (bursts,
 * then a steady rate, and the exact `Retry-After`) the sign-in and submit routes already promise. Each take is
 * one short transaction; on PostgreSQL the bucket's row is locked (`FOR UPDATE`) so concurrent takes from two
 * replicas are counted one after the other.
 */
export function createRateLimiter(options: {
  /** Names the limiter's buckets, so two limiters never share one. */
  name: string;
  capacity: number;
  refillPerSecond: number;
  /** The database, looked up per take (tests reopen it between cases). */
  db: () => Db;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  /** A bucket untouched this long is full again: its row can go. */
  const fullAfterMs = Math.ceil((options.capacity / options.refillPerSecond) * 1000);

  return {
    async take(key: string): Promise<Take> {
      const db = options.db();
      await db.ready;
      const id = `${options.name}:${key}`.slice(0, 300);
      const t = now();
      const result = await db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto("rateLimits")
          .values({ key: id, tokens: options.capacity, at: t })
          .onConflict((oc) => oc.column("key").doNothing())
          .execute();
        let read = trx.selectFrom("rateLimits").select(["tokens", "at"]).where("key", "=", id);
        if (db.engine === "postgres") read = read.forUpdate();
        const row = await read.executeTakeFirstOrThrow();
        let tokens = Math.min(
          options.capacity,
          row.tokens + (Math.max(0, t - row.at) / 1000) * options.refillPerSecond,
        );
        const ok = tokens >= 1;
        if (ok) tokens -= 1;
        await trx
          .updateTable("rateLimits")
          .set({ tokens, at: Math.max(t, row.at) })
          .where("key", "=", id)
          .execute();
        return ok
          ? ({ ok: true } as const)
          : ({
              ok: false,
              retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / options.refillPerSecond)),
            } as const);
      });
      // Now and then, forget buckets that have filled up again, so the table holds only recent callers.
      if (Math.random() < 0.01)
        await db.kysely
          .deleteFrom("rateLimits")
          .where("key", "like", `${options.name}:%`)
          .where("at", "<", t - fullAfterMs)
          .execute();
      return result;
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
