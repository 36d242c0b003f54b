import { expect } from "vitest";
import { getAuth } from "../auth/accounts";
import { getDb } from "../tasks";
import * as session from "../../app/api/session/route";
import { read, request } from "./app-harness";

/*
 * Signing in as team members in route tests (accounts mode): people are made through better-auth's admin API on
 * the server, and sign in through our own POST /api/session, as a browser does.
 */
export const ADMIN = { email: "ada@example.com", password: "admin-pass-1234" };

/** The environment for accounts mode with the first admin from ADMIN_EMAIL / ADMIN_PASSWORD. */
export function accountsEnv(extra: Record<string, string | undefined> = {}) {
  return { AUTH_MODE: "accounts", ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...extra };
}

let ip = 0;
/** A client address of its own per sign-in, so the per-client limit never decides a test that isn't about it. */
export const nextIp = () => `198.51.100.${String(++ip % 250)}`;

/** Signs in through the route; the Cookie header a browser would then send. */
export async function signIn(email: string, password: string): Promise<string> {
  const res = await read(
    await session.POST(
      request("/api/session", { body: { email, password }, extraHeaders: { "X-Forwarded-For": nextIp() } }),
    ),
  );
  expect(res.status, res.text).toBe(200);
  return cookieHeader(res.headers);
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function cookieHeader(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

/** A person made by the server (as phase 2's invites will): their id. */
export async function createPerson(
  email: string,
  password: string,
  role: "admin" | "member" = "member",
  name = email.split("@")[0]!,
): Promise<string> {
  // better-auth queries our Kysely directly: on PostgreSQL the schema must be migrated first.
  await getDb().ready;
  const made = await getAuth().api.createUser({ body: { email, password, name, role } });
  return made.user.id;
}
