import {
  RateLimiterPostgres,
  RateLimiterRes,
  RateLimiterSQLite,
  type RateLimiterStoreAbstract,
} from "rate-limiter-flexible";
import type { Db } from "../db";

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * The table rate-limiter-flexible keeps its counters in. The library creates it itself (on both engines, with
 * `CREATE TABLE IF NOT EXISTS`), so it is not in our migrations; every limiter shares it, told apart by key prefix.
 */
export const RATE_LIMIT_TABLE = "rate_limits_rlf";

/** rate-limiter-flexible's PostgreSQL key column is varchar(255): leave room for the limiter's name. */
const MAX_KEY = 200;

/**
 * A limit per key, kept in the database so every replica draws from the same counter (sign-in attempts and submits
 * are limited per person, not per process). The counting is done by `rate-limiter-flexible`, a maintained limiter,
 * with its PostgreSQL store (our pg Pool) or its SQLite store (our better-sqlite3 Database): each take is one atomic
 * upsert, so concurrent takes from two replicas are all counted. It allows `capacity` takes per window of
 * `capacity / refillPerSecond` seconds (the same average rate as the token bucket it replaced, counted in fixed
 * windows), and a refused take is told how long until its window ends: `Retry-After`.
 */
export function createRateLimiter(options: {
  /** Names the limiter's counters, so two limiters never share one. */
  name: string;
  capacity: number;
  refillPerSecond: number;
  /** The database, looked up per take (tests reopen it between cases). */
  db: () => Db;
}) {
  if (!(options.capacity >= 1) || !Number.isInteger(options.capacity))
    throw new Error(`rate limiter "${options.name}": capacity must be a whole number of at least 1`);
  if (!(options.refillPerSecond > 0))
    throw new Error(`rate limiter "${options.name}": refillPerSecond must be above 0`);
  const exact = options.capacity / options.refillPerSecond;
  // 20 / (20 / 60) is 60 only up to float rounding.
  const durationSeconds = Math.abs(exact - Math.round(exact)) < 1e-9 ? Math.round(exact) : exact;
  if (!Number.isInteger(durationSeconds))
    // The library counts windows in whole seconds; a fraction would silently change the limit.
    throw new Error(
      `rate limiter "${options.name}": capacity / refillPerSecond must be a whole number of seconds`,
    );

  // One library limiter per open database (the app keeps one; tests open several), ready once its table exists.
  const limiters = new WeakMap<Db, Promise<RateLimiterStoreAbstract>>();

  function limiterFor(db: Db): Promise<RateLimiterStoreAbstract> {
    let ready = limiters.get(db);
    if (!ready) {
      ready = db.ready.then(
        () =>
          new Promise<RateLimiterStoreAbstract>((resolve, reject) => {
            const common = {
              keyPrefix: options.name,
              points: options.capacity,
              duration: durationSeconds,
              tableName: RATE_LIMIT_TABLE,
              // The library's own sweep is a timer per limiter; we sweep now and then from `take` instead, so a
              // closed database (tests, shutdown) never meets a stray timer.
              clearExpiredByTimeout: false,
            };
            // The constructor's callback is the library's "table is ready" signal; a take before it is refused.
            // It may come before the constructor returns (a bad option), hence the microtask.
            const done = (err?: unknown) =>
              queueMicrotask(() => {
                if (err) reject(err instanceof Error ? err : new Error(String(err)));
                else resolve(limiter);
              });
            const limiter: RateLimiterStoreAbstract =
              db.client.engine === "postgres"
                ? new RateLimiterPostgres({ ...common, storeClient: db.client.pool, storeType: "pool" }, done)
                : new RateLimiterSQLite(
                    { ...common, storeClient: db.client.database, storeType: "better-sqlite3" },
                    done,
                  );
          }),
      );
      // A failed start (the database down) is not kept: the next take tries again.
      ready.catch(() => limiters.delete(db));
      limiters.set(db, ready);
    }
    return ready;
  }

  return {
    /** Takes `points` (default 1) at once: several takes of one click count as that many submits. */
    async take(key: string, points = 1): Promise<Take> {
      const limiter = await limiterFor(options.db());
      let result: Take;
      try {
        await limiter.consume(key.slice(0, MAX_KEY), points);
        result = { ok: true };
      } catch (err) {
        // The library refuses with a RateLimiterRes; anything else is a store failure and must not pass as "allowed".
        if (!(err instanceof RateLimiterRes)) throw err;
        result = { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      }
      // Now and then, forget counters whose window ended an hour ago, so the table holds only recent callers.
      if (Math.random() < 0.01) await sweep(limiter);
      return result;
    },
  };
}

async function sweep(limiter: RateLimiterStoreAbstract): Promise<void> {
  const store = limiter as unknown as { clearExpired?: (before: number) => Promise<unknown> };
  try {
    await store.clearExpired?.(Date.now() - 3_600_000);
  } catch (err) {
    // Tidying up is not worth failing a sign-in or a submit over.
    console.error("[rate-limit] clearing expired counters failed:", err instanceof Error ? err.message : err);
  }
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** The key a per-client limit counts under: the first hop's address (the proxy in front appends the rest). */
export function clientOf(request: Request): string {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "local";
}
