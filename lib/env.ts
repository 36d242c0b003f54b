import path from "node:path";
import { z } from "zod";
import { MODEL_IDS } from "./models/catalog";
import type { PriceTable } from "./pricing/price";
import { parsePriceTable } from "./pricing/table";
import { isLoopbackHost } from "./net/loopback";
import type { S3Config } from "./storage/types";

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

// ---- S3-compatible storage (issue 11) -------------------------------------------------------------------------
// Setting S3_BUCKET moves stored results and uploads from DATA_DIR to the bucket; the other S3_* refine it.
const s3Env = {
  S3_BUCKET: optionalString,
  S3_ENDPOINT: optionalString.refine(
    (v) => v === undefined || (/^https?:\/\/[^/]/i.test(v) && URL.canParse(v)),
    { error: "S3_ENDPOINT must be an http(s) URL such as https://s3.example.com or http://127.0.0.1:9000." },
  ),
  S3_REGION: optionalString,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: z
    .preprocess((v) => (v === undefined || v === "" ? "false" : v), z.string())
    .refine((v) => v === "true" || v === "false", { error: "S3_FORCE_PATH_STYLE must be true or false." })
    .transform((v) => v === "true"),
};

/** The S3 driver's settings, or `null` for local disk; the problems as messages naming the variable. */
function s3Config(env: z.output<z.ZodObject<typeof s3Env>>): S3Config | null | string[] {
  const problems: string[] = [];
  const others = (["S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const).filter((k) => env[k]);
  if (!env.S3_BUCKET) {
    if (others.length > 0)
      return [`${others.join(", ")} set without S3_BUCKET: set S3_BUCKET to use S3 storage.`];
    return null;
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(env.S3_BUCKET))
    problems.push(`S3_BUCKET is not a valid bucket name: "${env.S3_BUCKET}".`);
  if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY)
    problems.push("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither.");
  if (problems.length > 0) return problems;
  return {
    bucket: env.S3_BUCKET,
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? "us-east-1",
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
  };
}
// ---- end of S3 ----------------------------------------------------------------------------------------------

// ---- Team accounts (issue 12) -----------------------------------------------------------------------------------
// AUTH_MODE picks how callers prove who they are; `accounts` brings people, roles, single sign-on and tokens.
const accountsEnv = {
  AUTH_MODE: optionalString.refine(
    (v) => v === undefined || v === "none" || v === "passcode" || v === "accounts",
    { error: "AUTH_MODE must be none, passcode or accounts." },
  ),
  ADMIN_EMAIL: optionalString.refine((v) => v === undefined || z.email().safeParse(v).success, {
    error: "ADMIN_EMAIL is not an email address.",
  }),
  ADMIN_PASSWORD: optionalString.refine((v) => v === undefined || (v.length >= 8 && v.length <= 128), {
    error: "ADMIN_PASSWORD must be 8 to 128 characters.",
  }),
  OIDC_ISSUER: optionalString,
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_NAME: optionalString,
  TEAM_EMAIL_DOMAINS: optionalString,
  APP_URL: optionalString,
  /** Where `npm start` listens (server.mjs reads it too): decides whether APP_URL may be taken from the request. */
  HOST: optionalString,
};

export type AuthMode = "none" | "passcode" | "accounts";

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The sign-in button's words: "Sign in with {name}". */
  name: string;
}

export interface AccountsConfig {
  authMode: AuthMode;
  /** The public address without a trailing slash, or undefined on a loopback bind (taken from the request). */
  appUrl: string | undefined;
  oidc: OidcConfig | null;
  /** Lower-case domains whose verified emails join as members on their first single sign-on. */
  teamEmailDomains: string[];
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function accountsConfig(env: z.output<z.ZodObject<typeof accountsEnv>> & { ACCESS_PASSCODE?: string }) {
  const problems: string[] = [];
  const authMode: AuthMode =
    (env.AUTH_MODE as AuthMode | undefined) ?? (env.ACCESS_PASSCODE ? "passcode" : "none");
  if (authMode === "passcode" && !env.ACCESS_PASSCODE)
    problems.push("AUTH_MODE=passcode needs ACCESS_PASSCODE (the team passcode).");
  if (authMode === "none" && env.ACCESS_PASSCODE)
    problems.push("AUTH_MODE=none contradicts ACCESS_PASSCODE: unset one of them.");
  const loopbackBind = isLoopbackHost(env.HOST ?? "127.0.0.1");

  let appUrl: string | undefined;
  if (env.APP_URL !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(env.APP_URL);
    } catch {
      problems.push(`APP_URL is not a URL: "${env.APP_URL}" (expected https://retake.example.com).`);
    }
    if (url && url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname)))
      problems.push(`APP_URL must use https (http only for a loopback host); got "${env.APP_URL}".`);
    else if (url && (url.pathname !== "/" || url.search || url.hash))
      problems.push(`APP_URL is the studio's origin only, without a path; got "${env.APP_URL}".`);
    else if (url) appUrl = url.origin;
  } else if (authMode === "accounts" && !loopbackBind)
    problems.push(
      "APP_URL is required with AUTH_MODE=accounts on a public bind (HOST is not loopback): set it to the studio's public address, e.g. https://retake.example.com.",
    );

  let oidc: OidcConfig | null = null;
  const oidcSet = (["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const).filter((k) => env[k]);
  if (oidcSet.length > 0 || env.OIDC_NAME) {
    if (authMode !== "accounts") problems.push("OIDC_* single sign-on needs AUTH_MODE=accounts.");
    else if (oidcSet.length < 3)
      problems.push(
        "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together: set all three, or none.",
      );
    else {
      let issuer: URL | undefined;
      try {
        issuer = new URL(env.OIDC_ISSUER!);
      } catch {
        problems.push(`OIDC_ISSUER is not a URL: "${env.OIDC_ISSUER!}".`);
      }
      if (
        issuer &&
        issuer.protocol !== "https:" &&
        !(issuer.protocol === "http:" && isLoopbackHost(issuer.hostname))
      )
        problems.push(
          `OIDC_ISSUER must use https (http only for a loopback host); got "${env.OIDC_ISSUER!}".`,
        );
      else if (issuer)
        oidc = {
          issuer: env.OIDC_ISSUER!.replace(/\/+$/, ""),
          clientId: env.OIDC_CLIENT_ID!,
          clientSecret: env.OIDC_CLIENT_SECRET!,
          name: env.OIDC_NAME ?? "single sign-on",
        };
    }
  }
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined))
    problems.push("ADMIN_EMAIL and ADMIN_PASSWORD go together: set both, or neither.");

  const teamEmailDomains = (env.TEAM_EMAIL_DOMAINS ?? "")
    .split(",")
    .map((d) => d.trim().toLowerCase().replace(/^@/, ""))
    .filter(Boolean);
  for (const d of teamEmailDomains)
    if (!DOMAIN.test(d))
      problems.push(`TEAM_EMAIL_DOMAINS has "${d}", which is not a domain like example.com.`);
  if (problems.length > 0) return problems;
  return { authMode, appUrl, oidc, teamEmailDomains } satisfies AccountsConfig;
}
// ---- end of accounts ----------------------------------------------------------------------------------------

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
    // Serverless deploys have no process that lives between requests: `off` stops the in-process worker, and a
    // scheduler calls POST /api/internal/sweep with SWEEP_SECRET instead.
    BACKGROUND_WORKER: z
      .preprocess((v) => (v === undefined || v === "" ? "on" : v), z.string())
      .refine((v) => v === "on" || v === "off", { error: "BACKGROUND_WORKER must be on or off." })
      .transform((v) => v === "on"),
    SWEEP_SECRET: optionalString.superRefine((value, ctx) => {
      if (value !== undefined && value.length < 32)
        ctx.addIssue({
          code: "custom",
          message: "SWEEP_SECRET must be at least 32 characters (for example: openssl rand -base64 32).",
        });
    }),
    // Live results (issue 16): open event streams per signed-in session and per server, and the heartbeat.
    LIVE_STREAMS_PER_SESSION: int("LIVE_STREAMS_PER_SESSION", 6, 1, 100),
    LIVE_STREAMS_MAX: int("LIVE_STREAMS_MAX", 2_000, 1, 100_000),
    LIVE_HEARTBEAT_MS: int("LIVE_HEARTBEAT_MS", 15_000, 1_000, 120_000),
    // Prices (issue 14): none shipped; the operator's own, per model, in PRICE_UNIT. Checked in parseEnv.
    PRICE_TABLE: optionalString,
    PRICE_UNIT: z
      .preprocess((v) => (typeof v !== "string" || v.trim() === "" ? "credits" : v.trim()), z.string())
      .refine((v) => v.length <= 24 && !/[<>\u0000-\u001f]/.test(v), {
        error: "PRICE_UNIT must be a short word such as credits, USD or €, at most 24 characters.",
      }),
    ...s3Env,
    ...accountsEnv,
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

export type Env = z.output<typeof envSchema> & {
  simulator: boolean;
  dataDir: string;
  s3: S3Config | null;
} & AccountsConfig & {
    /** PRICE_TABLE parsed; null when unset. */
    prices: PriceTable | null;
  };

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
  const s3 = s3Config(env);
  const accounts = accountsConfig(env);
  const problems = [...(Array.isArray(s3) ? s3 : []), ...(Array.isArray(accounts) ? accounts : [])];
  if (Array.isArray(s3) || Array.isArray(accounts))
    throw new ConfigError(
      `Retake's configuration is invalid:\n${problems.map((m) => `  - ${m}`).join("\n")}\nSee .env.example.`,
    );
  let prices: PriceTable | null = null;
  if (env.PRICE_TABLE) {
    const parsed = parsePriceTable(env.PRICE_TABLE, MODEL_IDS);
    if (!parsed.ok)
      throw new ConfigError(
        `Retake's configuration is invalid:\n${parsed.errors.map((m) => `  - ${m}`).join("\n")}\nSee .env.example.`,
      );
    prices = parsed.table;
  }
  return {
    ...env,
    simulator: !env.FOXAPI_API_KEY,
    dataDir: path.resolve(env.DATA_DIR),
    s3,
    prices,
    ...accounts,
  };
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
