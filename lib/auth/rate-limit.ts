/**
 * A token bucket per key, in memory: enough for one server process, which is what Retake runs. Returns how long
 * to wait when a request is refused, for `Retry-After`.
 */
export function createRateLimiter(options: {
  capacity: number;
  refillPerSecond: number;
  maxKeys?: number;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  return {
    take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
      const t = now();
      const b = buckets.get(key) ?? { tokens: options.capacity, at: t };
      b.tokens = Math.min(options.capacity, b.tokens + ((t - b.at) / 1000) * options.refillPerSecond);
      b.at = t;
      buckets.delete(key);
      buckets.set(key, b); // most recently used last, so the oldest is evicted first
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / options.refillPerSecond)),
      };
    },
  };
}
