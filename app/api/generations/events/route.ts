import { randomUUID } from "node:crypto";
import { withAccess } from "@/lib/api/route";
import { getChangeBus, getLiveHub, subscribeTaskEvents, taskEvent } from "@/lib/live/runtime";
import { getTaskStore } from "@/lib/tasks";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Events a reconnecting page is sent at once; past it the page resumes again from the last one it got. */
const REPLAY_LIMIT = 256;

// GET /api/generations/events - every task change as Server-Sent Events (issue 16), resumable with Last-Event-ID.
// The hub sets `Cache-Control: no-store, no-transform` (no-transform also keeps compression off the stream) and
// `X-Accel-Buffering: no`; the wrapper checks access first, so a signed-out caller gets a 401, never a stream.
export const GET = withAccess(async ({ request, caller }) => {
  const store = getTaskStore();
  await getChangeBus();
  // Read before subscribing: a resync of a stream that has received nothing yet starts here.
  const baseline = String(await store.maxChangeSeq());
  return getLiveHub().open({
    // Without a passcode every browser is "anonymous": one shared session would make the per-session cap a
    // cap on everyone together, so each stream counts alone there (the per-server cap still holds).
    sessionId: caller.sessionId === "anonymous" ? `anonymous:${randomUUID()}` : caller.sessionId,
    signal: request.signal,
    lastEventId: request.headers.get("last-event-id"),
    baseline,
    replay: async (id) => (await store.changesSince(Number(id), REPLAY_LIMIT)).map(taskEvent),
    subscribe: subscribeTaskEvents,
  });
});
