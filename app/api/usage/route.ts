import { NextResponse } from "next/server";
import { withAccess } from "@/lib/api/route";
import { getEnv } from "@/lib/env";
import { getTaskService } from "@/lib/tasks";

export const dynamic = "force-dynamic";

// GET /api/usage - the UTC day so far (the team's tasks, what FoxAPI reserved, the operator's prices applied),
// the daily cap that binds first (the team's, or the person's own limit) and what's left of it, and what recent runs
// of each model and settings reserved; with accounts, the person's own day as `mine`.
export const GET = withAccess(async ({ caller }) => {
  const env = getEnv();
  const person = caller.userId ? { userId: caller.userId, limit: caller.dailyLimit ?? null } : null;
  return NextResponse.json(await getTaskService().usage(env.prices, env.PRICE_UNIT, person));
});
