import { createHash, timingSafeEqual } from "node:crypto";
import { ApiError } from "@/lib/api/errors";
import { withOpenAccess } from "@/lib/api/route";
import { getEnv } from "@/lib/env";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

/** Tasks followed and results copied per call: one call stays well inside a serverless function's time limit. */
const SWEEP_LIMIT = 20;

/** Equal-length digests, so the comparison takes the same time whatever the secret's length or first mismatch. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

// POST /api/internal/sweep - one bounded pass of the background worker (follow unfinished tasks, copy results that
// are due), for deploys with no long-running process (BACKGROUND_WORKER=off) and a scheduler that calls this with
// `Authorization: Bearer <SWEEP_SECRET>`. Without SWEEP_SECRET the route does not exist (404): nothing to guess.
// Open to callers without a session on purpose: the scheduler has none; the secret is its access check.
export const POST = withOpenAccess(async ({ request }) => {
  const secret = getEnv().SWEEP_SECRET;
  if (!secret) throw new ApiError(404, "not_found", "Not found.");
  const header = request.headers.get("authorization") ?? "";
  const given = /^Bearer (.+)$/.exec(header)?.[1] ?? "";
  if (!given || !sameSecret(given, secret))
    throw new ApiError(401, "wrong_secret", "Send the sweep secret as Authorization: Bearer <SWEEP_SECRET>.");
  const result = await getTaskService().sweep(SWEEP_LIMIT);
  return Response.json(result);
});
