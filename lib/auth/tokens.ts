import "server-only";
import { z } from "zod";
import { ApiError, readJson } from "../api/errors";
import type { Caller } from "../api/guards";
import { getDb } from "../tasks";
import { getAuth } from "./accounts";
import type { TokenView } from "./token-types";

/**
 * Personal API tokens (`/settings/tokens`): made by better-auth's API-key plugin, which shows the secret once and
 * keeps only its hash. Each person sees and revokes only their own: every query here is scoped to the caller's id.
 */
export type { TokenView };

/** Only people signed in to accounts mode have tokens (not a token itself: a token can't mint tokens). */
export function tokenOwner(caller: Caller): string {
  if (caller.kind !== "user" || !caller.userId)
    throw new ApiError(404, "accounts_off", "Personal API tokens need team accounts (AUTH_MODE=accounts).");
  return caller.userId;
}

const createBody = z.object({ name: z.string().trim().min(1).max(60) });

export async function listTokens(userId: string): Promise<TokenView[]> {
  const db = getDb();
  await db.ready;
  const rows = await db.kysely
    .selectFrom("apiKeys")
    .select(["id", "name", "start", "createdAt"])
    .where("referenceId", "=", userId)
    .orderBy("createdAt", "desc")
    .execute();
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() }));
}

export async function createToken(userId: string, request: Request): Promise<TokenView & { token: string }> {
  const parsed = createBody.safeParse(await readJson(request, 4096));
  if (!parsed.success)
    throw new ApiError(422, "invalid_request", "Give the token a name (up to 60 characters).", {
      fields: { name: "Give the token a name (up to 60 characters)." },
    });
  const made = await getAuth(request.headers).api.createApiKey({ body: { name: parsed.data.name, userId } });
  return {
    id: made.id,
    name: made.name ?? null,
    start: made.start ?? null,
    createdAt: new Date(made.createdAt).toISOString(),
    token: made.key,
  };
}

/** Revokes one of the caller's own tokens; someone else's id is "not found", never "forbidden". */
export async function revokeToken(userId: string, id: string): Promise<void> {
  const db = getDb();
  await db.ready;
  const result = await db.kysely
    .deleteFrom("apiKeys")
    .where("id", "=", id)
    .where("referenceId", "=", userId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new ApiError(404, "not_found", "No such token.");
}
