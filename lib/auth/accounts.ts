import "server-only";
import { apiKey } from "@better-auth/api-key";
import { APIError, type BetterAuthOptions, betterAuth } from "better-auth";
import { admin, genericOAuth } from "better-auth/plugins";
import { adminAc, defaultStatements, userAc } from "better-auth/plugins/admin/access";
import { createAccessControl } from "better-auth/plugins/access";
import { type Kysely, sql } from "kysely";
import type { Db } from "../db";
import { type Env, getEnv } from "../env";
import { isLoopbackHost } from "../net/loopback";
import { getDb } from "../tasks";
import { recordActivity } from "../team/activity";
import { accountsSecret } from "./secret";

/**
 * Team accounts (AUTH_MODE=accounts) on better-auth, over OUR Kysely instance, so its tables live in the same
 * database (SQLite or PostgreSQL) and are created by our migrations (see lib/auth/README.md). better-auth does the
 * password hashing (scrypt), the session tokens, the personal API keys (stored hashed) and the OpenID Connect flow.
 */

/** The provider id of the one OpenID Connect provider: its callback is /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = "oidc";

export { ROLES, type Role } from "../team/types";

const ac = createAccessControl(defaultStatements);
const roles = { admin: ac.newRole(adminAc.statements), member: ac.newRole(userAc.statements) };

/** Refusing an OpenID Connect newcomer: better-auth sends the browser back to /sign-in?error=… with this. */
export const NOT_ON_TEAM =
  "This account is not on the team. Ask an admin for an invite, or sign in with your work email.";

/** better-auth's options for this configuration, database and public address (also read by the schema test). */
export function authOptions(env: Env, db: Db, baseURL: string) {
  const secure = baseURL.startsWith("https://");
  return {
    appName: "Retake",
    baseURL,
    trustedOrigins: [baseURL],
    basePath: "/api/auth",
    secret: accountsSecret(env),
    database: {
      db: db.kysely as unknown as Kysely<unknown>,
      type: db.engine === "postgres" ? "postgres" : "sqlite",
    },
    user: {
      modelName: "users",
      additionalFields: {
        // Phase 2 (per-person daily limit): tasks per UTC day, null for none. Never set by the person.
        dailyLimit: { type: "number", required: false, input: false },
      },
    },
    session: {
      modelName: "auth_sessions",
      expiresIn: 7 * 24 * 3600,
      updateAge: 24 * 3600,
      // No cookie cache: every request reads the session row, so a revoked session or a removed person stops at once.
      cookieCache: { enabled: false },
    },
    account: { modelName: "auth_accounts", accountLinking: { enabled: false } },
    verification: { modelName: "auth_verifications" },
    emailAndPassword: {
      enabled: true,
      // Nobody signs themselves up: the first admin comes from ADMIN_EMAIL, the rest from invites (phase 2).
      disableSignUp: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
    },
    // Our own limiter (lib/auth/rate-limit.ts) counts sign-in attempts in the shared database; better-auth's is
    // per process by default.
    rateLimit: { enabled: false },
    advanced: {
      cookiePrefix: "retake",
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure },
      // The client address for better-auth's own records: the first hop, as our limiter reads it.
      ipAddress: { ipAddressHeaders: ["x-forwarded-for"] },
    },
    databaseHooks: {
      session: {
        create: {
          // The Activity list's sign-ins (password and single sign-on alike): every new session is one.
          async after(session, ctx) {
            const who = await db.kysely
              .selectFrom("users")
              .select(["name", "email"])
              .where("id", "=", session.userId)
              .executeTakeFirst();
            await recordActivity(db, {
              actor: { id: session.userId, name: who?.name ?? null },
              action: "signed_in",
              subject: who?.email ?? null,
              detail: { method: ctx?.path?.startsWith("/callback/") ? "sso" : "password" },
            });
          },
        },
      },
      user: {
        create: {
          async before(user, ctx) {
            // Only single sign-on creates people on its own; email sign-up is off, and admins create the rest.
            if (!ctx?.path?.startsWith("/callback/")) return { data: user };
            if (await mayJoinBySso(env, db, user.email, user.emailVerified))
              return { data: { ...user, role: "member" } };
            throw new APIError("FORBIDDEN", { message: NOT_ON_TEAM });
          },
        },
      },
    },
    plugins: [
      admin({ defaultRole: "member", adminRoles: ["admin"], ac, roles }),
      apiKey({
        // Personal tokens: shown once, stored hashed by the plugin; read from `Authorization: Bearer` by our guard.
        defaultPrefix: "rtk_",
        enableMetadata: false,
        rateLimit: { enabled: false },
        schema: { apikey: { modelName: "api_keys" } },
      }),
      // Always present (so its API is typed); with no OIDC_* configured it has no provider and nothing to start.
      genericOAuth({
        config: env.oidc
          ? [
              {
                providerId: OIDC_PROVIDER_ID,
                name: env.oidc.name,
                discoveryUrl: `${env.oidc.issuer}/.well-known/openid-configuration`,
                clientId: env.oidc.clientId,
                clientSecret: env.oidc.clientSecret,
                scopes: ["openid", "email", "profile"],
                pkce: true,
                tokenEndpointAuth: { method: "client_secret_basic" },
                requireIdTokenVerification: true,
              },
            ]
          : [],
      }),
    ],
  } satisfies BetterAuthOptions;
}

function build(env: Env, db: Db, baseURL: string) {
  return betterAuth(authOptions(env, db, baseURL));
}

/** Verified email on a TEAM_EMAIL_DOMAINS domain, or a pending invite (phase 2 writes them). */
export async function mayJoinBySso(
  env: Env,
  db: Db,
  email: string,
  emailVerified: boolean,
): Promise<boolean> {
  const normalized = email.trim().toLowerCase();
  const domain = normalized.split("@")[1] ?? "";
  if (emailVerified && env.teamEmailDomains.includes(domain)) return true;
  return isInvited(db, normalized);
}

/** Whether `email` holds an invite that is neither accepted nor expired. */
export async function isInvited(db: Db, email: string, now = Date.now()): Promise<boolean> {
  await db.ready;
  const row = await db.kysely
    .selectFrom("invites")
    .select("id")
    .where("email", "=", email.trim().toLowerCase())
    .where("acceptedAt", "is", null)
    .where("expiresAt", ">", now)
    .executeTakeFirst();
  return row !== undefined;
}

export type Auth = ReturnType<typeof build>;

let cached: { env: Env; db: Db; baseURL: string; auth: Auth } | undefined;

/**
 * The studio's public origin: APP_URL, or (allowed only on a loopback bind, where env.ts lets APP_URL be unset) the
 * request's own loopback Host. A Host that is not loopback is never believed; the bind address stands in for it.
 */
export function publicOrigin(env: Env, headers?: Headers): string {
  if (env.appUrl) return env.appUrl;
  const host = headers?.get("host");
  if (host) {
    try {
      const url = new URL(`http://${host}`);
      if (isLoopbackHost(url.hostname)) return url.origin;
    } catch {
      // not a host: fall through
    }
  }
  const bind = env.HOST && isLoopbackHost(env.HOST) ? env.HOST : "127.0.0.1";
  return `http://${bind.includes(":") ? `[${bind}]` : bind}:${process.env.PORT || "3000"}`;
}

/** The better-auth instance for the current configuration, database and origin (rebuilt when tests change one). */
export function getAuth(headers?: Headers): Auth {
  const env = getEnv();
  const db = getDb();
  const baseURL = publicOrigin(env, headers);
  if (cached?.env !== env || cached.db !== db || cached.baseURL !== baseURL)
    cached = { env, db, baseURL, auth: build(env, db, baseURL) };
  return cached.auth;
}

let firstAdmin: { env: Env; db: Db; done: Promise<void> } | undefined;

/**
 * better-auth writes a new user, then its account (the password, or the single sign-on link). A replica that finds
 * the first admin half-made by another replica started beside it waits for that second row (a few seconds at
 * most), so a sign-in just after start doesn't meet an admin with no password yet.
 */
async function accountSettled(db: Db, userId: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const { rows } = await sql<{
      one: number;
    }>`select 1 as one from auth_accounts where user_id = ${userId}`.execute(db.kysely);
    if (rows.length > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * ADMIN_EMAIL / ADMIN_PASSWORD: the first admin, created when the team has none (and ignored once it has one). Run at
 * start and before each sign-in until it has succeeded; two replicas racing meet the unique email and one wins.
 */
export function ensureFirstAdmin(): Promise<void> {
  const env = getEnv();
  const db = getDb();
  if (env.authMode !== "accounts" || !env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) return Promise.resolve();
  if (firstAdmin?.env === env && firstAdmin.db === db) return firstAdmin.done;
  const done = (async () => {
    await db.ready;
    const admin = await db.kysely
      .selectFrom("users")
      .select("id")
      .where("role", "=", "admin")
      .executeTakeFirst();
    if (admin) return accountSettled(db, admin.id);
    const email = env.ADMIN_EMAIL!.trim().toLowerCase();
    const existing = await db.kysely
      .selectFrom("users")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirst();
    if (existing) {
      // Someone with that email joined first (single sign-on): they become the admin; their password is untouched.
      await db.kysely.updateTable("users").set({ role: "admin" }).where("id", "=", existing.id).execute();
      return;
    }
    try {
      await getAuth().api.createUser({
        body: { email, password: env.ADMIN_PASSWORD!, name: email.split("@")[0]!, role: "admin" },
      });
    } catch (err) {
      // Another replica created it a moment ago: fine. Anything else is a real failure.
      const again = await db.kysely
        .selectFrom("users")
        .select("id")
        .where("email", "=", email)
        .executeTakeFirst();
      if (!again) throw err;
      await accountSettled(db, again.id);
    }
  })();
  firstAdmin = { env, db, done };
  done.catch(() => {
    if (firstAdmin?.done === done) firstAdmin = undefined;
  });
  return done;
}
