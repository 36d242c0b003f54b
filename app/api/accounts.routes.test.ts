import { afterEach, describe, expect, it } from "vitest";
import { resetLiveForTests } from "@/lib/live/runtime";
import { getDb } from "@/lib/tasks";
import { read, request, sessionCookie, setupApp, veoBody } from "@/lib/testing/app-harness";
import { ADMIN, accountsEnv, createPerson, signIn } from "@/lib/testing/accounts";
import { SUBMIT_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as events from "./generations/events/route";
import * as generation from "./generations/[id]/route";
import * as lineage from "./generations/[id]/lineage/route";
import * as video from "./generations/[id]/video/route";
import * as generations from "./generations/route";
import * as tokenById from "./tokens/[id]/route";
import * as tokens from "./tokens/route";
import * as invitesAccept from "./invites/accept/route";
import * as activity from "./team/activity/route";
import * as inviteById from "./team/invites/[id]/route";
import * as invites from "./team/invites/route";
import * as person from "./team/people/[id]/route";
import * as team from "./team/route";
import * as uploads from "./uploads/route";

/*
 * Every role against every route (issue 12): who may pass, who is refused, and with which status. A caller is one
 * of: no sign-in configured (none), a passcode session, a signed-in admin, a signed-in member, a member's personal
 * API token, and nobody (signed out, in passcode and in accounts mode).
 */
const app = setupApp();
afterEach(() => resetLiveForTests());
const PASSCODE = "tangerine-rocket-42";
const MEMBER = { email: "bob@example.com", password: "member-pass-1234" };

type Who = "none" | "passcode" | "admin" | "member" | "token" | "signed-out" | "passcode-signed-out";

/** Configures the mode `who` needs and returns the headers that caller sends. */
async function as(who: Who): Promise<Record<string, string>> {
  if (who === "none") {
    app.configure();
    return {};
  }
  if (who === "passcode" || who === "passcode-signed-out") {
    app.configure({ ACCESS_PASSCODE: PASSCODE });
    return who === "passcode" ? { Cookie: await sessionCookie() } : {};
  }
  app.configure(accountsEnv());
  await signIn(ADMIN.email, ADMIN.password); // makes the first admin
  if (who === "signed-out") return {};
  if (who === "admin") return { Cookie: await signIn(ADMIN.email, ADMIN.password) };
  await createPerson(MEMBER.email, MEMBER.password, "member", "Bob Member");
  const cookie = await signIn(MEMBER.email, MEMBER.password);
  if (who === "member") return { Cookie: cookie };
  const made = await read(await tokens.POST(request("/api/tokens", { body: { name: "script" }, cookie })));
  expect(made.status, made.text).toBe(201);
  return { Authorization: `Bearer ${made.json.token as string}` };
}

/** A task to read, straight in the store (nothing upstream is asked: it is finished). */
async function seedTask(id = "task-seeded") {
  const db = getDb();
  await db.ready;
  const now = Date.now();
  await db.kysely
    .insertInto("tasks")
    .values({
      id,
      model: "veo-3.1-extend",
      input: JSON.stringify(veoBody(app)),
      status: "failed",
      progress: 0,
      errorCode: "upstream_rejected",
      errorMessage: "no",
      createdAt: now,
      updatedAt: now,
      completedAt: now,
      checkedAt: now,
      archiveAttempts: 0,
    } as never)
    .execute();
  return id;
}

const p = <K extends string>(key: K, value: string) => ({
  params: Promise.resolve({ [key]: value }) as never,
});

interface Case {
  name: string;
  call: (headers: Record<string, string>) => Promise<Response>;
  /** The status each caller gets. */
  expect: Record<Who, number>;
}

const TOKEN_ROUTE = { none: 200, passcode: 200, admin: 200, member: 200, token: 200 } as const;
const NO_TOKEN = { none: 200, passcode: 200, admin: 200, member: 200, token: 403 } as const;
const SIGNED_OUT = { "signed-out": 401, "passcode-signed-out": 401 } as const;
/** Admin-only routes: a member 403 admin_only, a token 403 token_not_allowed, no such thing without accounts. */
const ADMIN_ONLY = {
  none: 404,
  passcode: 404,
  member: 403,
  token: 403,
  "signed-out": 401,
  "passcode-signed-out": 404,
} as const;

const cases: Case[] = [
  {
    name: "GET /api/generations",
    call: (h) => generations.GET(request("/api/generations", { extraHeaders: h })),
    expect: { ...TOKEN_ROUTE, ...SIGNED_OUT },
  },
  {
    name: "POST /api/generations",
    call: (h) => {
      app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-new" }) });
      return generations.POST(request("/api/generations", { body: veoBody(app), extraHeaders: h }));
    },
    expect: { none: 201, passcode: 201, admin: 201, member: 201, token: 201, ...SIGNED_OUT },
  },
  {
    name: "GET /api/generations/{id}",
    call: async (h) =>
      generation.GET(request("/api/generations/x", { extraHeaders: h }), p("id", await seedTask())),
    expect: { ...TOKEN_ROUTE, ...SIGNED_OUT },
  },
  {
    name: "GET /api/generations/{id}/lineage",
    call: async (h) =>
      lineage.GET(request("/api/generations/x/lineage", { extraHeaders: h }), p("id", await seedTask())),
    expect: { ...NO_TOKEN, ...SIGNED_OUT },
  },
  {
    name: "GET /api/generations/{id}/video",
    // A failed task has no video: 404 for whoever may look, the refusal for whoever may not.
    call: async (h) =>
      video.GET(request("/api/generations/x/video", { extraHeaders: h }), p("id", await seedTask())),
    expect: { none: 404, passcode: 404, admin: 404, member: 404, token: 403, ...SIGNED_OUT },
  },
  {
    name: "GET /api/generations/events",
    call: async (h) => {
      const abort = new AbortController();
      const res = await events.GET(
        new Request("http://localhost:3000/api/generations/events", { headers: h, signal: abort.signal }),
      );
      if (!res.ok) return res;
      // A stream: its status is the answer; end it.
      abort.abort();
      await res.body?.cancel().catch(() => undefined);
      return new Response(null, { status: res.status });
    },
    expect: { ...NO_TOKEN, ...SIGNED_OUT },
  },
  {
    name: "GET /api/uploads",
    call: (h) => uploads.GET(request("/api/uploads", { extraHeaders: h })),
    expect: { ...NO_TOKEN, ...SIGNED_OUT },
  },
  {
    name: "GET /api/tokens",
    call: (h) => tokens.GET(request("/api/tokens", { extraHeaders: h })),
    expect: { none: 404, passcode: 404, admin: 200, member: 200, token: 403, ...SIGNED_OUT },
  },
  {
    name: "POST /api/tokens",
    call: (h) => tokens.POST(request("/api/tokens", { body: { name: "another" }, extraHeaders: h })),
    expect: { none: 404, passcode: 404, admin: 201, member: 201, token: 403, ...SIGNED_OUT },
  },
  {
    name: "DELETE /api/tokens/{id}",
    call: (h) =>
      tokenById.DELETE(request("/api/tokens/nope", { method: "DELETE", extraHeaders: h }), p("id", "nope")),
    expect: { none: 404, passcode: 404, admin: 404, member: 404, token: 403, ...SIGNED_OUT },
  },
  {
    name: "GET /api/team",
    call: (h) => team.GET(request("/api/team", { extraHeaders: h })),
    expect: { ...ADMIN_ONLY, admin: 200 },
  },
  {
    name: "POST /api/team/invites",
    call: (h) =>
      invites.POST(
        request("/api/team/invites", { body: { email: "new@example.com", role: "member" }, extraHeaders: h }),
      ),
    expect: { ...ADMIN_ONLY, admin: 201 },
  },
  {
    name: "DELETE /api/team/invites/{id}",
    call: (h) =>
      inviteById.DELETE(
        request("/api/team/invites/x", { method: "DELETE", extraHeaders: h }),
        p("id", "nope"),
      ),
    expect: { ...ADMIN_ONLY, admin: 404 },
  },
  {
    name: "PATCH /api/team/people/{id}",
    call: async (h) => {
      const id = await createPerson("carol@example.com", "carol-pass-1234");
      return person.PATCH(
        request("/api/team/people/x", { method: "PATCH", body: { dailyLimit: 3 }, extraHeaders: h }),
        p("id", id),
      );
    },
    expect: { ...ADMIN_ONLY, admin: 200 },
  },
  {
    name: "DELETE /api/team/people/{id}",
    call: async (h) => {
      const id = await createPerson("carol@example.com", "carol-pass-1234");
      return person.DELETE(request("/api/team/people/x", { method: "DELETE", extraHeaders: h }), p("id", id));
    },
    expect: { ...ADMIN_ONLY, admin: 200 },
  },
  {
    name: "GET /api/team/activity",
    call: (h) => activity.GET(request("/api/team/activity", { extraHeaders: h })),
    expect: { ...ADMIN_ONLY, admin: 200 },
  },
  {
    // Open by nature (the link is the proof): an unknown link is 410 for everyone; 404 without accounts.
    name: "POST /api/invites/accept",
    call: (h) =>
      invitesAccept.POST(
        request("/api/invites/accept", {
          body: { token: "x".repeat(43), password: "long-enough-1" },
          extraHeaders: h,
        }),
      ),
    expect: {
      none: 404,
      passcode: 404,
      admin: 410,
      member: 410,
      token: 410,
      "signed-out": 410,
      "passcode-signed-out": 404,
    },
  },
];

const WHO: Who[] = ["none", "passcode", "admin", "member", "token", "signed-out", "passcode-signed-out"];

describe("every role × every route", () => {
  for (const c of cases)
    for (const who of WHO)
      it(`${c.name} as ${who} → ${String(c.expect[who])}`, async () => {
        const headers = await as(who);
        const res = await read(await c.call(headers));
        expect(res.status, res.text).toBe(c.expect[who]);
        if (res.status === 401) expect(res.json.error.code).toBe("sign_in_required");
        if (res.status === 403)
          expect(res.json.error.code).toBe(who === "token" ? "token_not_allowed" : "admin_only");
      });
});

describe("attribution", () => {
  it("a task started by a member, a token or an admin records who; ?mine=1 shows only mine", async () => {
    const member = await as("member");
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-bob" }) });
    const made = await read(
      await generations.POST(request("/api/generations", { body: veoBody(app), extraHeaders: member })),
    );
    expect(made.status, made.text).toBe(201);
    expect(made.json.createdBy).toEqual({ id: expect.any(String), name: "Bob Member" });
    const admin = { Cookie: await signIn(ADMIN.email, ADMIN.password) };
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-ada" }) });
    expect(
      (
        await generations.POST(
          request("/api/generations", { body: veoBody(app, { prompt: "other" }), extraHeaders: admin }),
        )
      ).status,
    ).toBe(201);
    const everyone = await read(await generations.GET(request("/api/generations", { extraHeaders: member })));
    expect(everyone.json.tasks.map((t: { id: string }) => t.id).sort()).toEqual(["task-ada", "task-bob"]);
    const mine = await read(
      await generations.GET(request("/api/generations?mine=1", { extraHeaders: member })),
    );
    expect(mine.json.tasks.map((t: { id: string }) => t.id)).toEqual(["task-bob"]);
    expect(mine.json.tasks[0].createdBy.name).toBe("Bob Member");
  });

  it("without accounts, tasks carry no person and ?mine=1 changes nothing", async () => {
    const none = await as("none");
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-anon" }) });
    const made = await read(
      await generations.POST(request("/api/generations", { body: veoBody(app), extraHeaders: none })),
    );
    expect(made.json.createdBy).toBeNull();
    const mine = await read(await generations.GET(request("/api/generations?mine=1")));
    expect(mine.json.tasks.map((t: { id: string }) => t.id)).toEqual(["task-anon"]);
  });
});
