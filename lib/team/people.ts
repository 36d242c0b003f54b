import "server-only";
import { z } from "zod";
import { ApiError, readJson } from "../api/errors";
import type { Caller } from "../api/guards";
import { getAuth } from "../auth/accounts";
import { msg } from "../i18n/message";
import { endSessionStreams } from "../live/runtime";
import { getDb } from "../tasks";
import { recordActivity } from "./activity";
import { type Person, ROLES } from "./types";

/**
 * The people on the team (issue 12), as admins manage them on /team: role, a personal daily limit (tasks per UTC
 * day, on top of the team's MAX_TASKS_PER_DAY), and removal, which ends their sessions, live streams and tokens at
 * once. Writes go through better-auth's internal adapter (it owns the `users` rows and their types on each engine).
 * Every route that calls these is admin-only (`withAccess(…, { role: "admin" })`); the actor is passed in for the
 * Activity list and for the "not yourself" rules.
 */
export type { Person };

/** The largest personal limit one can set (a typo guard, not a policy). */
export const MAX_PERSONAL_LIMIT = 10_000;

export async function listPeople(): Promise<Person[]> {
  const db = getDb();
  await db.ready;
  const rows = await db.kysely
    .selectFrom("users")
    .select(["id", "name", "email", "role", "dailyLimit", "createdAt", "banned"])
    .orderBy("createdAt", "asc")
    .orderBy("email", "asc")
    .execute();
  return rows
    .filter((r) => !r.banned)
    .map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      role: r.role === "admin" ? "admin" : "member",
      dailyLimit: r.dailyLimit === null ? null : Number(r.dailyLimit),
      joinedAt: new Date(r.createdAt).toISOString(),
    }));
}

const changes = z
  .object({
    role: z.enum(ROLES).optional(),
    dailyLimit: z.number().int().min(0).max(MAX_PERSONAL_LIMIT).nullable().optional(),
  })
  .strict();

function actorOf(caller: Caller) {
  return { id: caller.userId ?? null, name: caller.name || caller.email || null };
}

async function activePerson(id: string) {
  const db = getDb();
  await db.ready;
  const row = await db.kysely
    .selectFrom("users")
    .select(["id", "name", "email", "role", "dailyLimit", "banned"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row || row.banned) throw new ApiError(404, "not_found", msg("api.team.noSuchPerson"));
  return row;
}

async function otherAdmins(id: string): Promise<number> {
  const db = getDb();
  const rows = await db.kysely
    .selectFrom("users")
    .select(["id", "banned"])
    .where("role", "=", "admin")
    .where("id", "!=", id)
    .execute();
  return rows.filter((r) => !r.banned).length;
}

/** PATCH: `{ role?, dailyLimit? }` — a role, or a daily limit (null clears it). */
export async function updatePerson(caller: Caller, id: string, request: Request): Promise<Person> {
  const parsed = changes.safeParse(await readJson(request, 4096));
  if (!parsed.success || (parsed.data.role === undefined && parsed.data.dailyLimit === undefined)) {
    const field = parsed.success ? null : String(parsed.error.issues[0]?.path[0] ?? "");
    throw new ApiError(422, "invalid_request", msg("api.team.badChange"), {
      ...(field === "dailyLimit"
        ? { fields: { dailyLimit: msg("api.team.badLimit", { max: String(MAX_PERSONAL_LIMIT) }) } }
        : field === "role"
          ? { fields: { role: msg("api.team.badRole") } }
          : {}),
    });
  }
  const person = await activePerson(id);
  const { role, dailyLimit } = parsed.data;
  const db = getDb();
  const ctx = await getAuth(request.headers).$context;
  if (role !== undefined && role !== person.role) {
    // The team always keeps an admin: the last one can't step down (nor be removed, below).
    if (role !== "admin" && (await otherAdmins(id)) === 0)
      throw new ApiError(409, "last_admin", msg("api.team.lastAdmin"));
    await ctx.internalAdapter.updateUser(id, { role });
    await recordActivity(db, {
      actor: actorOf(caller),
      action: "role_changed",
      subject: person.email,
      detail: { from: person.role === "admin" ? "admin" : "member", to: role },
    });
  }
  if (
    dailyLimit !== undefined &&
    dailyLimit !== (person.dailyLimit === null ? null : Number(person.dailyLimit))
  ) {
    await ctx.internalAdapter.updateUser(id, { dailyLimit });
    await recordActivity(db, {
      actor: actorOf(caller),
      action: "limit_changed",
      subject: person.email,
      detail: { from: person.dailyLimit === null ? null : Number(person.dailyLimit), to: dailyLimit },
    });
  }
  const updated = (await listPeople()).find((p) => p.id === id);
  if (!updated) throw new ApiError(404, "not_found", msg("api.team.noSuchPerson"));
  return updated;
}

/**
 * Remove: the person is marked removed (their row stays, so their tasks still say who started them), their
 * sessions are deleted and their live streams end on every replica, and their personal tokens are deleted. Each
 * request reads the row, so whatever they still hold is refused from this moment.
 */
export async function removePerson(caller: Caller, id: string, request: Request): Promise<void> {
  if (id === caller.userId) throw new ApiError(409, "cannot_remove_self", msg("api.team.notYourself"));
  const person = await activePerson(id);
  if (person.role === "admin" && (await otherAdmins(id)) === 0)
    throw new ApiError(409, "last_admin", msg("api.team.lastAdmin"));
  const ctx = await getAuth(request.headers).$context;
  const sessions = await ctx.internalAdapter.listSessions(id);
  await ctx.internalAdapter.updateUser(id, {
    banned: true,
    banReason: "removed",
    role: "member",
    dailyLimit: null,
  });
  await ctx.internalAdapter.deleteUserSessions(id);
  const db = getDb();
  await db.kysely.deleteFrom("apiKeys").where("referenceId", "=", id).execute();
  await Promise.all(sessions.map((s) => endSessionStreams(s.id)));
  await recordActivity(db, { actor: actorOf(caller), action: "removed", subject: person.email });
}
