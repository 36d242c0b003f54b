import path from "node:path";
import { z } from "zod";
import { isLoopbackHost } from "./net/loopback";

/**
 * Configuration, validated once at start with messages that say which variable to fix. The names are fixed by
 * DESIGN.md; `.env.example` and the README document each with its default.
 */
const optionalString = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  z.string().optional(),
);
const int = (name: string, def: number, min: number, max: number) =>
  z.preprocess(
    (v) => (v === undefined || v === "" ? def : Number(v)),
    z
      .number({ error: `${name} must be a whole number.` })
      .int({ error: `${name} must be a whole number.` })
      .min(min, { error: `${name} must be at least ${String(min)}.` })
      .max(max, { error: `${name} must be at most ${String(max)}.` }),
  );

const envSchema = z
  .object({
    FOXAPI_API_KEY: optionalString,
    FOXAPI_BASE_URL: z
      .preprocess((v) => (v === undefined || v === "" ? "https://api.foxapi.cc" : v), z.string())
      .superRefine((value, ctx) => {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          ctx.addIssue({ code: "custom", message: `FOXAPI_BASE_URL is not a URL: "${value}".` });
          return;
        }
        if (url.protocol === "https:") return;
        if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return;
        ctx.addIssue({
          code: "custom",
          message: `FOXAPI_BASE_URL must use https (http is allowed only for a loopback host such as 127.0.0.1); got "${value}".`,
        });
      })
      .transform((v) => v.replace(/\/+$/, "")),
    DATA_DIR: z.preprocess((v) => (v === undefined || v === "" ? "./data" : v), z.string()),
    SIMULATOR_DURATION_MS: int("SIMULATOR_DURATION_MS", 25_000, 500, 3_600_000),
    SIMULATOR_LINK_TTL_SECONDS: int("SIMULATOR_LINK_TTL_SECONDS", 86_400, 1, 30 * 86_400),
    STATUS_MIN_INTERVAL_MS: int("STATUS_MIN_INTERVAL_MS", 2_000, 0, 600_000),
    ACCESS_PASSCODE: optionalString,
    MAX_TASKS_PER_DAY: z.preprocess(
      (v) => (v === undefined || v === "" ? undefined : Number(v)),
      z
        .number({ error: "MAX_TASKS_PER_DAY must be a whole number." })
        .int({ error: "MAX_TASKS_PER_DAY must be a whole number." })
        .min(0, { error: "MAX_TASKS_PER_DAY can't be negative." })
        .optional(),
    ),
    DATABASE_URL: optionalString.superRefine((value, ctx) => {
      if (value === undefined) return;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({
          code: "custom",
          message: "DATABASE_URL is not a URL (expected postgres://user:password@host:port/db).",
        });
        return;
      }
      if (url.protocol !== "postgres:" && url.protocol !== "postgresql:")
        ctx.addIssue({
          code: "custom",
          message: `DATABASE_URL must be a postgres:// URL (unset it to keep SQLite in DATA_DIR); got a ${url.protocol}// URL.`,
        });
    }),
    SESSION_SECRET: optionalString.superRefine((value, ctx) => {
      if (value !== undefined && value.length < 32)
        ctx.addIssue({
          code: "custom",
          message: "SESSION_SECRET must be at least 32 characters (for example: openssl rand -base64 32).",
        });
    }),
    DATABASE_POOL_SIZE: int("DATABASE_POOL_SIZE", 10, 1, 500),
  })
  .superRefine((env, ctx) => {
    // Several replicas share the database: each must sign sessions with the same secret, or a session made on one
    // is refused by the others.
    if (env.DATABASE_URL && !env.SESSION_SECRET)
      ctx.addIssue({
        code: "custom",
        message:
          "SESSION_SECRET is required when DATABASE_URL is set: every replica must sign sessions with the same secret (at least 32 characters).",
      });
  });

export type Env = z.output<typeof envSchema> & { simulator: boolean; dataDir: string };

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.message}`);
    throw new ConfigError(`Retake's configuration is invalid:\n${lines.join("\n")}\nSee .env.example.`);
  }
  const env = result.data;
  return { ...env, simulator: !env.FOXAPI_API_KEY, dataDir: path.resolve(env.DATA_DIR) };
}

let cached: Env | undefined;

/** The process's configuration, parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests change the environment between cases. */
export function resetEnvForTests() {
  cached = undefined;
}
