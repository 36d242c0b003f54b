import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../db";

/** The sign-in cookie: `<session id>.<expiry ms>.<HMAC>`; HttpOnly, SameSite=Lax, Secure over https. */
export const SESSION_COOKIE = "retake_session";
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

/**
 * The key that signs session cookies, mixed with the passcode so changing the passcode signs everyone out. Its
 * secret is SESSION_SECRET when set (the same on every replica, so a session made on one is valid on all), else a
 * random secret kept in the data directory (created once, readable only by us): enough for one machine.
 */
export function signingKey(dataDir: string, passcode: string, sessionSecret?: string): Buffer {
  if (sessionSecret) return crypto.createHmac("sha256", sessionSecret).update(passcode).digest();
  const file = path.join(dataDir, "session-secret");
  let secret: Buffer;
  try {
    secret = fs.readFileSync(file);
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    secret = crypto.randomBytes(32);
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    } catch {
      secret = fs.readFileSync(file); // another process won the race
    }
  }
  return crypto.createHmac("sha256", secret).update(passcode).digest();
}

function mac(key: Buffer, payload: string): string {
  return crypto.createHmac("sha256", key).update(payload).digest("base64url");
}

/** Compares two secrets in constant time, whatever their lengths. */
export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** Sessions live in the database (either engine), so every replica can check and revoke them. */
export async function createSession(
  db: Db,
  key: Buffer,
  now = Date.now(),
): Promise<{ id: string; cookie: string; expiresAt: number }> {
  const id = crypto.randomBytes(18).toString("base64url");
  const expiresAt = now + SESSION_TTL_MS;
  await db.ready;
  await db.kysely.insertInto("sessions").values({ id, createdAt: now, expiresAt }).execute();
  const payload = `${id}.${String(expiresAt)}`;
  return { id, cookie: `${payload}.${mac(key, payload)}`, expiresAt };
}

/** The session id a cookie proves, or null: bad signature, expired, revoked or unknown. */
export async function verifySession(
  db: Db,
  key: Buffer,
  cookie: string | undefined,
  now = Date.now(),
): Promise<string | null> {
  if (!cookie) return null;
  const parts = cookie.split(".");
  if (parts.length !== 3) return null;
  const [id, expires, signature] = parts as [string, string, string];
  if (!safeEqual(signature, mac(key, `${id}.${expires}`))) return null;
  if (!(Number(expires) > now)) return null;
  await db.ready;
  const row = await db.kysely
    .selectFrom("sessions")
    .select(["expiresAt", "revokedAt"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row || row.revokedAt !== null || row.expiresAt <= now) return null;
  return id;
}

export async function revokeSession(db: Db, id: string, now = Date.now()): Promise<void> {
  await db.ready;
  await db.kysely
    .updateTable("sessions")
    .set({ revokedAt: now })
    .where("id", "=", id)
    .where("revokedAt", "is", null)
    .execute();
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return undefined; // malformed %-escapes: no session, not a 500
    }
  }
  return undefined;
}

export function sessionCookieHeader(
  value: string,
  options: { secure: boolean; maxAgeSeconds: number },
): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${String(options.maxAgeSeconds)}`,
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}
