import "server-only";
import type { Env } from "../env";
import { signingKey } from "./session";

/**
 * better-auth's secret (it signs session cookies and OAuth state): derived from SESSION_SECRET, the same on every
 * replica, or on one machine from the random secret kept in DATA_DIR, as passcode sessions already are. Derived
 * under its own label, so it never equals a passcode session key.
 */
export function accountsSecret(env: Env): string {
  return signingKey(env.dataDir, "better-auth accounts", env.SESSION_SECRET).toString("base64url");
}
