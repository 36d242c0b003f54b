import "server-only";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { ApiError, readJson } from "../api/errors";
import type { Caller } from "../api/guards";
import { getAuth, publicOrigin } from "../auth/accounts";
import { clientOf, createRateLimiter } from "../auth/rate-limit";
import { forwarded } from "../auth/sign-in";
import { getEnv } from "../env";
import { msg } from "../i18n/message";
import { getDb } from "../tasks";
import { recordActivity } from "./activity";
import { type InviteView, ROLES } from "./types";

/**
 * Invites (issue 12): an admin names an email and a role and gets a one-time link to pass on (no mail server is
 * assumed). The link carries 32 random bytes; only their SHA-256 is stored, so the table never holds a usable link.
 * Opening it asks for a password; accepting it creates the person (better-auth hashes the password), marks the
 * invite used in the same step that claims it, and signs them in. An unknown, used and expired link all get the
 * same answer, and so does an email that is already on the team when it is invited again by a link: nothing
 * tells a visitor which emails are on the team.
 */
export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export type { InviteView };

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

const inviteBody = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  role: z.enum(ROLES),
});

/** POST /api/team/invites: a fresh link for `email` (an earlier pending invite for it stops working). */
export async function createInvite(caller: Caller, request: Request): Promise<InviteView & { link: string }> {
  const body = await readJson(request, 4096);
  const parsed = inviteBody.safeParse(body);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "");
      if (key === "email") fields.email = msg("api.team.badEmail");
      if (key === "role") fields.role = msg("api.team.badRole");
    }
    throw new ApiError(422, "invalid_request", msg("api.team.badInvite"), { fields });
  }
  const { email, role } = parsed.data;
  const db = getDb();
  await db.ready;
  const existing = await db.kysely
    .selectFrom("users")
    .select(["id", "banned"])
    .where("email", "=", email)
    .executeTakeFirst();
  // Admins see the team list anyway: telling them is not enumeration.
  if (existing && !existing.banned)
    throw new ApiError(409, "already_on_team", msg("api.team.alreadyOnTeam", { email }), {
      fields: { email: msg("api.team.alreadyOnTeam", { email }) },
    });
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  const row = {
    id: randomUUID(),
    email,
    role,
    tokenHash: hashOf(token),
    expiresAt: now + INVITE_TTL_MS,
    createdBy: caller.userId ?? null,
    acceptedAt: null,
    createdAt: now,
  };
  await db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom("invites").where("email", "=", email).where("acceptedAt", "is", null).execute();
    await trx.insertInto("invites").values(row).execute();
  });
  await recordActivity(db, {
    actor: { id: caller.userId ?? null, name: caller.name || caller.email || null },
    action: "invited",
    subject: email,
    detail: { role },
  });
  return {
    ...view(row),
    link: `${publicOrigin(getEnv(), request.headers)}/invite/${token}`,
  };
}

function view(row: {
  id: string;
  email: string;
  role: string;
  expiresAt: number;
  createdAt: number;
}): InviteView {
  return {
    id: row.id,
    email: row.email,
    role: row.role === "admin" ? "admin" : "member",
    expiresAt: new Date(Number(row.expiresAt)).toISOString(),
    createdAt: new Date(Number(row.createdAt)).toISOString(),
  };
}

/** The invites nobody has accepted yet and that have not expired (for /team). */
export async function pendingInvites(now = Date.now()): Promise<InviteView[]> {
  const db = getDb();
  await db.ready;
  const rows = await db.kysely
    .selectFrom("invites")
    .select(["id", "email", "role", "expiresAt", "createdAt"])
    .where("acceptedAt", "is", null)
    .where("expiresAt", ">", now)
    .orderBy("createdAt", "desc")
    .execute();
  return rows.map(view);
}

/** DELETE /api/team/invites/{id}: the link stops working. */
export async function cancelInvite(id: string): Promise<void> {
  const db = getDb();
  await db.ready;
  const res = await db.kysely
    .deleteFrom("invites")
    .where("id", "=", id)
    .where("acceptedAt", "is", null)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new ApiError(404, "not_found", msg("api.team.noSuchInvite"));
}

/** For the /invite page: the email a link is for, or null when it can't be used (unknown, used or expired). */
export async function inviteForToken(token: string, now = Date.now()): Promise<InviteView | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const db = getDb();
  await db.ready;
  const row = await db.kysely
    .selectFrom("invites")
    .select(["id", "email", "role", "expiresAt", "createdAt"])
    .where("tokenHash", "=", hashOf(token))
    .where("acceptedAt", "is", null)
    .where("expiresAt", ">", now)
    .executeTakeFirst();
  return row ? view(row) : null;
}

// Guessing links is hopeless (256 bits), but the route still answers slowly to a client that keeps trying.
const perClient = createRateLimiter({
  name: "invite-accept",
  capacity: 10,
  refillPerSecond: 10 / 600,
  db: getDb,
});

const acceptBody = z.object({
  token: z.string().max(200),
  password: z.string().max(1000),
  name: z.string().trim().max(80).optional(),
});

/**
 * POST /api/invites/accept `{ token, password, name? }`: claims the invite (one request wins), creates the person
 * (or brings back someone removed earlier, with the new password), records "joined", and signs them in. Returns
 * the Set-Cookie headers.
 */
export async function acceptInvite(request: Request): Promise<string[]> {
  const limit = await perClient.take(clientOf(request));
  if (!limit.ok)
    throw new ApiError(
      429,
      "too_many_attempts",
      msg("api.tooManyAttempts", { secs: String(limit.retryAfterSeconds) }),
      {
        retryAfterSeconds: limit.retryAfterSeconds,
      },
    );
  const parsed = acceptBody.safeParse(await readJson(request, 4096));
  const unusable = new ApiError(410, "invite_unusable", msg("api.team.inviteUnusable"));
  if (!parsed.success) throw unusable;
  const { token, password } = parsed.data;
  const auth = getAuth(request.headers);
  const ctx = await auth.$context;
  const { minPasswordLength, maxPasswordLength } = ctx.password.config;
  if (password.length < minPasswordLength || password.length > maxPasswordLength)
    throw new ApiError(
      422,
      "invalid_request",
      msg("api.team.badPassword", { min: String(minPasswordLength) }),
      {
        fields: { password: msg("api.team.badPassword", { min: String(minPasswordLength) }) },
      },
    );
  const invite = await inviteForToken(token);
  if (!invite) throw unusable;
  const db = getDb();
  const claimed = await db.kysely
    .updateTable("invites")
    .set({ acceptedAt: Date.now() })
    .where("id", "=", invite.id)
    .where("acceptedAt", "is", null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) throw unusable;

  const name = parsed.data.name || invite.email.split("@")[0]!;
  const existing = await db.kysely
    .selectFrom("users")
    .select(["id", "banned"])
    .where("email", "=", invite.email)
    .executeTakeFirst();
  let userId: string;
  if (!existing) {
    const made = await auth.api.createUser({
      body: { email: invite.email, password, name, role: invite.role },
    });
    userId = made.user.id;
  } else {
    // Someone removed earlier comes back with the invite's role and the password they chose now. (An active
    // person can't hold a pending invite: inviting them is refused.)
    userId = existing.id;
    await ctx.internalAdapter.updateUser(userId, { banned: false, banReason: null, role: invite.role, name });
    const hash = await ctx.password.hash(password);
    if (await ctx.internalAdapter.findCredentialAccount(userId))
      await ctx.internalAdapter.updatePassword(userId, hash);
    else
      await ctx.internalAdapter.createAccount({
        userId,
        providerId: "credential",
        accountId: userId,
        password: hash,
      });
  }
  await recordActivity(db, {
    actor: { id: userId, name },
    action: "joined",
    subject: invite.email,
    detail: { role: invite.role },
  });
  const res = await auth.api.signInEmail({
    body: { email: invite.email, password, rememberMe: true },
    headers: forwarded(request),
    asResponse: true,
  });
  if (!res.ok) throw new ApiError(401, "wrong_credentials", msg("api.team.inviteUnusable"));
  return res.headers.getSetCookie();
}
