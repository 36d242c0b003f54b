import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getChangeBus, resetLiveForTests } from "@/lib/live/runtime";
import { type ParsedEvent, createSseParser } from "@/lib/live/testing/sse-client";
import { getTaskStore } from "@/lib/tasks";
import { type App, read, request, sessionCookie, setupApp, veoBody } from "@/lib/testing/app-harness";
import { ADMIN, accountsEnv, signIn } from "@/lib/testing/accounts";
import { SUBMIT_PATH, TASK_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as collection from "./route";
import * as events from "./events/route";
import * as session from "../session/route";

const app: App = setupApp();
const PASSCODE = "correct horse battery staple";

beforeEach(() => resetLiveForTests());
afterEach(() => resetLiveForTests());

/** An open stream: the events parsed so far, and a wait for the next that matches. */
function follow(res: Response) {
  const got: ParsedEvent[] = [];
  let ended = false;
  const waiters: (() => void)[] = [];
  const parser = createSseParser({ event: (e) => got.push(e) });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
        for (const w of waiters.splice(0)) w();
      }
    } catch {
      // Cut by the test's abort.
    }
    ended = true;
    for (const w of waiters.splice(0)) w();
  })();
  return {
    got,
    get ended() {
      return ended;
    },
    async until<T>(find: () => T | undefined, what: string, ms = 5_000): Promise<T> {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = find();
        if (found !== undefined) return found;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(got)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
}

const taskEvents = (got: ParsedEvent[]) =>
  got
    .filter((e) => e.event === "task")
    .map((e) => ({ id: e.id, task: JSON.parse(e.data) as { id: string; progress: number; status: string } }));

async function signedInWithTask(): Promise<{ cookie: string; id: string }> {
  app.configure({ ACCESS_PASSCODE: PASSCODE });
  const cookie = await sessionCookie();
  app.fake.enqueue("POST", SUBMIT_PATH, { json: foxTask({ id: "task-live-1" }) });
  const created = await read(
    await collection.POST(request("/api/generations", { body: veoBody(app), cookie })),
  );
  expect(created.status).toBe(201);
  return { cookie, id: created.json.id as string };
}

function open(cookie: string | null, lastEventId?: string) {
  const controller = new AbortController();
  const req = new Request(request("/api/generations/events", { cookie }), {
    signal: controller.signal,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(lastEventId ? { "last-event-id": lastEventId } : {}),
    },
  });
  return { res: events.GET(req), abort: () => controller.abort() };
}

describe("GET /api/generations/events", () => {
  it("refuses a signed-out caller with a 401 and no stream (passcode mode)", async () => {
    await signedInWithTask();
    const res = await read(await open(null).res);
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: { code: "sign_in_required" } });
  });

  it("streams each change unbuffered, resumes after Last-Event-ID without repeats, and ends on sign-out", async () => {
    const { cookie, id } = await signedInWithTask();
    const store = getTaskStore();

    const first = open(cookie);
    const res = await first.res;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.headers.get("cache-control")).toContain("no-transform");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    const a = follow(res);
    await a.until(() => a.got.find((e) => e.event === "ping"), "the opening ping");

    await store.update(id, { status: "processing", progress: 30 });
    const e1 = await a.until(() => taskEvents(a.got).find((e) => e.task.progress === 30), "progress 30");
    expect(e1.task).toMatchObject({ id, status: "processing" });
    first.abort();

    // Changed while nobody listened: the reconnect with the last id it got replays it, and only it.
    await store.update(id, { progress: 60 });
    const second = open(cookie, e1.id!);
    const b = follow(await second.res);
    const replayed = await b.until(() => taskEvents(b.got).find((e) => e.task.progress === 60), "the replay");
    expect(Number(replayed.id)).toBeGreaterThan(Number(e1.id));
    expect(taskEvents(b.got).filter((e) => e.task.progress === 30)).toEqual([]);
    // No viewer's stream costs an upstream status call.
    expect(app.fake.requestsTo("GET", TASK_PATH)).toHaveLength(0);

    // Sign-out ends this session's streams for good: an `end` event with the reason, then the stream closes.
    const out = await read(await session.DELETE(request("/api/session", { method: "DELETE", cookie })));
    expect(out.status).toBe(200);
    const end = await b.until(() => b.got.find((e) => e.event === "end"), "the end event");
    expect(JSON.parse(end.data)).toMatchObject({ reason: "signed_out" });
    await b.until(() => (b.ended ? true : undefined), "the stream to close");
    // And the revoked cookie can't open another.
    expect((await open(cookie).res).status).toBe(401);
  });

  it("accounts mode: a person's sign-out ends their streams, and the old cookie opens no other", async () => {
    app.configure(accountsEnv());
    const cookie = await signIn(ADMIN.email, ADMIN.password);
    const first = open(cookie);
    const res = await first.res;
    expect(res.status).toBe(200);
    const a = follow(res);
    await a.until(() => a.got.find((e) => e.event === "ping"), "the opening ping");
    const out = await read(await session.DELETE(request("/api/session", { method: "DELETE", cookie })));
    expect(out.status).toBe(200);
    const end = await a.until(() => a.got.find((e) => e.event === "end"), "the end event");
    expect(JSON.parse(end.data)).toMatchObject({ reason: "signed_out" });
    await a.until(() => (a.ended ? true : undefined), "the stream to close");
    expect((await open(cookie).res).status).toBe(401);
  });

  it("a sign-out announced by another replica on the bus ends this replica's streams of that session", async () => {
    const { cookie } = await signedInWithTask();
    const stream = open(cookie);
    const s = follow(await stream.res);
    await s.until(() => s.got.find((e) => e.event === "ping"), "the opening ping");
    // The cookie is `<name>=<session id>.<expires>.<mac>`.
    const sessionId = cookie.split("=")[1]!.split(".")[0]!;
    await (await getChangeBus()).publish({ taskId: sessionId, seq: "0" });
    const end = await s.until(() => s.got.find((e) => e.event === "end"), "the end event");
    expect(JSON.parse(end.data)).toMatchObject({ reason: "signed_out" });
    await s.until(() => (s.ended ? true : undefined), "the stream to close");
  });

  it("refuses a malformed Last-Event-ID with a clear error", async () => {
    const { cookie } = await signedInWithTask();
    const res = await read(await open(cookie, "not-a-number").res);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: "invalid_last_event_id" } });
  });
});
