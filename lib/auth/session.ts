import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { TaskStore } from "../tasks/store";

/** The sign-in cookie: `<session id>.<expiry ms>.<HMAC>`; HttpOnly, SameSite=Lax, Secure over https. */
export const SESSION_COOKIE = "retake_session";
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

/**
 * The key that signs session cookies: a random secret kept in the data directory (created once, readable only
 * by us), mixed with the passcode, so changing the passcode signs everyone out.
 */
export function signingKey(dataDir: string, passcode: string): Buffer {
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

export function createSession(
  store: TaskStore,
  key: Buffer,
  now = Date.now(),
): { id: string; cookie: string; expiresAt: number } {
  const id = crypto.randomBytes(18).toString("base64url");
  const expiresAt = now + SESSION_TTL_MS;
  store.db
    .prepare("INSERT INTO sessions (id, created_at, expires_at) VALUES (?, ?, ?)")
    .run(id, now, expiresAt);
  const payload = `${id}.${String(expiresAt)}`;
  return { id, cookie: `${payload}.${mac(key, payload)}`, expiresAt };
}

/** The session id a cookie proves, or null: bad signature, expired, revoked or unknown. */
export function verifySession(
  store: TaskStore,
  key: Buffer,
  cookie: string | undefined,
  now = Date.now(),
): string | null {
  if (!cookie) return null;
  const parts = cookie.split(".");
  if (parts.length !== 3) return null;
  const [id, expires, signature] = parts as [string, string, string];
  if (!safeEqual(signature, mac(key, `${id}.${expires}`))) return null;
  if (!(Number(expires) > now)) return null;
  const row = store.db.prepare("SELECT expires_at, revoked_at FROM sessions WHERE id = ?").get(id) as
    { expires_at: number; revoked_at: number | null } | undefined;
  if (!row || row.revoked_at !== null || row.expires_at <= now) return null;
  return id;
}

export function revokeSession(store: TaskStore, id: string, now = Date.now()): void {
  store.db.prepare("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(now, id);
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
