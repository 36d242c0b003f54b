import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "../db";

/**
 * The team's Activity list (issue 12): sign-ins, invites, role and limit changes and removals, with who and when.
 * Written by the server as things happen, read by admins on /team. Names are kept as they were at the time, so the
 * list still says who after someone leaves.
 */
export const ACTIVITY_ACTIONS = [
  "signed_in",
  "invited",
  "joined",
  "role_changed",
  "limit_changed",
  "removed",
] as const;
export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number];

export interface ActivityEntry {
  id: string;
  /** Epoch ms. */
  at: number;
  actor: { id: string | null; name: string | null };
  action: ActivityAction;
  /** Whom it concerns: an email (invites, people). */
  subject: string | null;
  /** What changed: `{ role }`, `{ dailyLimit }`, `{ method }`… */
  detail: Record<string, string | number | null>;
}

export async function recordActivity(
  db: Db,
  entry: {
    actor: { id: string | null; name: string | null };
    action: ActivityAction;
    subject?: string | null;
    detail?: Record<string, string | number | null>;
    at?: number;
  },
): Promise<void> {
  await db.ready;
  await db.kysely
    .insertInto("activity")
    .values({
      id: randomUUID(),
      at: entry.at ?? Date.now(),
      actorId: entry.actor.id,
      actorName: entry.actor.name,
      action: entry.action,
      subject: entry.subject ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute();
}

/** Newest first. */
export async function listActivity(db: Db, limit = 200): Promise<ActivityEntry[]> {
  await db.ready;
  const rows = await db.kysely
    .selectFrom("activity")
    .selectAll()
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  // A row a newer version wrote with an action this one doesn't know is left out rather than misnamed.
  return rows
    .filter((r) => (ACTIVITY_ACTIONS as readonly string[]).includes(r.action))
    .map((r) => ({
      id: r.id,
      at: Number(r.at),
      actor: { id: r.actorId, name: r.actorName },
      action: r.action as ActivityAction,
      subject: r.subject,
      detail: r.detail ? (JSON.parse(r.detail) as ActivityEntry["detail"]) : {},
    }));
}
