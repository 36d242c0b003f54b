import { afterEach, describe, expect, it } from "vitest";
import { resetLiveForTests } from "@/lib/live/runtime";
import { getDb } from "@/lib/tasks";
import { read, request, veoBody } from "@/lib/testing/app-harness";
import { ADMIN, accountsEnv, cookieHeader, createPerson, nextIp, signIn } from "@/lib/testing/accounts";
import { setupApp } from "@/lib/testing/app-harness";
import { SUBMIT_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as accept from "../invites/accept/route";
import * as generations from "../generations/route";
import * as tokens from "../tokens/route";
import * as usage from "../usage/route";
import * as activity from "./activity/route";
import * as invites from "./invites/route";
import * as person from "./people/[id]/route";
import * as team from "./route";

/*
 * The team's admin routes (issue 12): invites that work once, a person's daily limit (checked before anything
 * goes upstream), removal that ends sessions and tokens at once, and the Activity list.
 */
const app = setupApp();
afterEach(() => resetLiveForTests());

const p = (id: string) => ({ params: Promise.resolve({ id }) as never });

async function adminCookie() {
  app.configure(accountsEnv());
  return signIn(ADMIN.email, ADMIN.password);
}

async function invite(cookie: string, email: string, role = "member") {
  return read(await invites.POST(request("/api/team/invites", { body: { email, role }, cookie })));
}

async function acceptLink(link: string, password: string, name?: string) {
  const token = new URL(link).pathname.split("/").pop()!;
  return read(
    await accept.POST(
      request("/api/invites/accept", {
        body: { token, password, ...(name ? { name } : {}) },
        extraHeaders: { "X-Forwarded-For": nextIp() },
      }),
    ),
  );
}

async function people(cookie: string) {
  const res = await read(await team.GET(request("/api/team", { cookie })));
  expect(res.status, res.text).toBe(200);
  return res.json.people as { id: string; email: string; role: string; dailyLimit: number | null }[];
}

describe("invites", () => {
  it("an admin's link works once: the person chooses a password, is signed in as a member, and the link is spent", async () => {
    const admin = await adminCookie();
    const made = await invite(admin, "  Bob@Example.com ");
    expect(made.status, made.text).toBe(201);
    expect(made.json).toMatchObject({ email: "bob@example.com", role: "member" });
    expect(made.json.link).toMatch(/^http:\/\/127\.0\.0\.1:3000\/invite\/[A-Za-z0-9_-]{43}$/);
    // Only a hash of the link's token is kept.
    const token = (made.json.link as string).split("/").pop()!;
    const rows = await getDb().kysely.selectFrom("invites").select(["tokenHash"]).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(token);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    const pending = await read(await team.GET(request("/api/team", { cookie: admin })));
    expect(pending.json.invites.map((i: { email: string }) => i.email)).toEqual(["bob@example.com"]);

    const joined = await acceptLink(made.json.link, "bob-pass-1234", "Bob B");
    expect(joined.status, joined.text).toBe(200);
    const bob = cookieHeader(joined.headers);
    expect(bob).toMatch(/retake\.session_token=/);
    // Signed in as Bob, a member: a task carries his name, and the team page is not his.
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-bob" }) });
    const task = await read(
      await generations.POST(request("/api/generations", { body: veoBody(app), cookie: bob })),
    );
    expect(task.status, task.text).toBe(201);
    expect(task.json.createdBy.name).toBe("Bob B");
    expect((await read(await team.GET(request("/api/team", { cookie: bob })))).status).toBe(403);

    // Spent: the same link again is refused with the same words as an unknown one.
    const again = await acceptLink(made.json.link, "another-pass-1");
    const unknown = await acceptLink(`http://x/invite/${"A".repeat(43)}`, "another-pass-1");
    expect(again.status).toBe(410);
    expect(unknown.status).toBe(410);
    expect(again.json.error).toEqual(unknown.json.error);
    expect(again.json.error.code).toBe("invite_unusable");
    expect((await people(admin)).map((x) => [x.email, x.role])).toEqual([
      ["ada@example.com", "admin"],
      ["bob@example.com", "member"],
    ]);
  });

  it("an expired link, a replaced link and a short password are refused; nothing is created", async () => {
    const admin = await adminCookie();
    const first = await invite(admin, "carol@example.com", "admin");
    const second = await invite(admin, "carol@example.com", "admin");
    expect((await acceptLink(first.json.link, "carol-pass-1234")).status).toBe(410);
    const short = await acceptLink(second.json.link, "short");
    expect(short.status).toBe(422);
    expect(short.json.error.fields.password).toBe("Choose a password of at least 8 characters.");
    await getDb()
      .kysely.updateTable("invites")
      .set({ expiresAt: Date.now() - 1 })
      .execute();
    expect((await acceptLink(second.json.link, "carol-pass-1234")).status).toBe(410);
    expect((await people(admin)).map((x) => x.email)).toEqual(["ada@example.com"]);
  });

  it("says what to fix: a bad email, a bad role, someone already on the team", async () => {
    const admin = await adminCookie();
    const bad = await invite(admin, "not-an-email", "owner");
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields).toEqual({
      email: "Enter an email address, like name@example.com.",
      role: "Choose a role: Member or Admin.",
    });
    const taken = await invite(admin, ADMIN.email);
    expect(taken.status).toBe(409);
    expect(taken.json.error).toMatchObject({
      code: "already_on_team",
      message: "ada@example.com is already on the team.",
    });
    // …in the reader's language too.
    const zh = await read(
      await invites.POST(
        request("/api/team/invites", {
          body: { email: "x", role: "member" },
          cookie: admin,
          extraHeaders: { "Accept-Language": "zh-CN" },
        }),
      ),
    );
    expect(zh.json.error.fields.email).toBe("请输入邮箱地址，例如 name@example.com。");
  });
});

describe("a person's daily limit", () => {
  it("refuses a member's task past their own limit before anything goes upstream, and only theirs", async () => {
    const admin = await adminCookie();
    const bobId = await createPerson("bob@example.com", "bob-pass-1234");
    const set = await read(
      await person.PATCH(
        request("/api/team/people/x", { method: "PATCH", body: { dailyLimit: 1 }, cookie: admin }),
        p(bobId),
      ),
    );
    expect(set.status, set.text).toBe(200);
    expect(set.json).toMatchObject({ email: "bob@example.com", dailyLimit: 1 });
    const bob = await signIn("bob@example.com", "bob-pass-1234");
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-1" }) });
    expect(
      (await generations.POST(request("/api/generations", { body: veoBody(app), cookie: bob }))).status,
    ).toBe(201);
    const before = app.fake.requestsTo("POST", SUBMIT_PATH).length;
    const refused = await read(
      await generations.POST(
        request("/api/generations", { body: veoBody(app, { prompt: "again" }), cookie: bob }),
      ),
    );
    expect(refused.status).toBe(429);
    expect(refused.json.error).toEqual({
      code: "daily_limit_reached",
      message:
        "Your daily limit of 1 tasks is used up. It resets at midnight UTC; a team admin can raise it.",
    });
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(app.fake.requestsTo("POST", SUBMIT_PATH)).toHaveLength(before);
    // The studio sees the limit that binds and the person's own day.
    const day = await read(await usage.GET(request("/api/usage", { cookie: bob })));
    expect(day.json.cap).toEqual({ limit: 1, used: 1, left: 0, scope: "person" });
    expect(day.json.mine.tasks).toBe(1);
    // The admin has no personal limit: still free.
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-2" }) });
    expect(
      (
        await generations.POST(
          request("/api/generations", { body: veoBody(app, { prompt: "ada" }), cookie: admin }),
        )
      ).status,
    ).toBe(201);
    // Takes past the limit: none started, and the words say how many are left.
    await person.PATCH(
      request("/api/team/people/x", { method: "PATCH", body: { dailyLimit: 2 }, cookie: admin }),
      p(bobId),
    );
    const takes = await read(
      await generations.POST(
        request("/api/generations", {
          body: { ...veoBody(app, { prompt: "takes" }), takes: 3 },
          cookie: bob,
        }),
      ),
    );
    expect(takes.status).toBe(429);
    expect(takes.json.error.message).toBe(
      "Your daily limit of 2 tasks allows 1 more, not 3: nothing was started. Choose fewer takes, or ask a team admin to raise it.",
    );
    // Cleared: back to only the team's cap.
    const cleared = await read(
      await person.PATCH(
        request("/api/team/people/x", { method: "PATCH", body: { dailyLimit: null }, cookie: admin }),
        p(bobId),
      ),
    );
    expect(cleared.json.dailyLimit).toBeNull();
  });

  it("refuses a limit that is not a whole number from 0 to 10000, and an empty change", async () => {
    const admin = await adminCookie();
    const bobId = await createPerson("bob@example.com", "bob-pass-1234");
    for (const body of [
      { dailyLimit: -1 },
      { dailyLimit: 2.5 },
      { dailyLimit: "3" },
      { dailyLimit: 10_001 },
    ]) {
      const res = await read(
        await person.PATCH(request("/api/team/people/x", { method: "PATCH", body, cookie: admin }), p(bobId)),
      );
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.json.error.fields.dailyLimit).toBe(
        "A daily limit is a whole number of tasks from 0 to 10000, or empty for none.",
      );
    }
    const empty = await read(
      await person.PATCH(
        request("/api/team/people/x", { method: "PATCH", body: {}, cookie: admin }),
        p(bobId),
      ),
    );
    expect(empty.status).toBe(422);
    expect((await people(admin)).find((x) => x.id === bobId)?.dailyLimit).toBeNull();
  });
});

describe("roles and removal", () => {
  it("removing a member ends their session and their token at once; a removed person can be invited back", async () => {
    const admin = await adminCookie();
    const bobId = await createPerson("bob@example.com", "bob-pass-1234", "member", "Bob");
    const bob = await signIn("bob@example.com", "bob-pass-1234");
    const made = await read(
      await tokens.POST(request("/api/tokens", { body: { name: "script" }, cookie: bob })),
    );
    const bearer = { Authorization: `Bearer ${made.json.token as string}` };
    expect((await generations.GET(request("/api/generations", { extraHeaders: bearer }))).status).toBe(200);
    expect((await generations.GET(request("/api/generations", { cookie: bob }))).status).toBe(200);

    const removed = await read(
      await person.DELETE(request("/api/team/people/x", { method: "DELETE", cookie: admin }), p(bobId)),
    );
    expect(removed.status, removed.text).toBe(200);
    expect((await generations.GET(request("/api/generations", { cookie: bob }))).status).toBe(401);
    expect((await generations.GET(request("/api/generations", { extraHeaders: bearer }))).status).toBe(401);
    expect((await people(admin)).map((x) => x.email)).toEqual(["ada@example.com"]);
    // Signing in again is refused with the same words as a wrong password.
    const { POST: signInRoute } = await import("../session/route");
    const again = await read(
      await signInRoute(
        request("/api/session", {
          body: { email: "bob@example.com", password: "bob-pass-1234" },
          extraHeaders: { "X-Forwarded-For": nextIp() },
        }),
      ),
    );
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe("wrong_credentials");

    // Invited back: a new password, the old token stays dead.
    const link = await invite(admin, "bob@example.com");
    expect(link.status, link.text).toBe(201);
    const back = await acceptLink(link.json.link, "bob-new-pass-99");
    expect(back.status, back.text).toBe(200);
    expect(
      (await generations.GET(request("/api/generations", { cookie: cookieHeader(back.headers) }))).status,
    ).toBe(200);
    expect((await generations.GET(request("/api/generations", { extraHeaders: bearer }))).status).toBe(401);
    expect((await people(admin)).map((x) => x.email)).toEqual(["ada@example.com", "bob@example.com"]);
  });

  it("the team keeps an admin: the last one can't step down, and nobody removes themselves", async () => {
    const admin = await adminCookie();
    const ada = (await people(admin))[0]!;
    const down = await read(
      await person.PATCH(
        request("/api/team/people/x", { method: "PATCH", body: { role: "member" }, cookie: admin }),
        p(ada.id),
      ),
    );
    expect(down.status).toBe(409);
    expect(down.json.error.code).toBe("last_admin");
    const self = await read(
      await person.DELETE(request("/api/team/people/x", { method: "DELETE", cookie: admin }), p(ada.id)),
    );
    expect(self.status).toBe(409);
    expect(self.json.error.code).toBe("cannot_remove_self");
    // With a second admin, the first may step down.
    const bobId = await createPerson("bob@example.com", "bob-pass-1234");
    const up = await read(
      await person.PATCH(
        request("/api/team/people/x", { method: "PATCH", body: { role: "admin" }, cookie: admin }),
        p(bobId),
      ),
    );
    expect(up.json.role).toBe("admin");
    const bob = await signIn("bob@example.com", "bob-pass-1234");
    expect((await read(await team.GET(request("/api/team", { cookie: bob })))).status).toBe(200);
    const nope = await read(
      await person.PATCH(
        request("/api/team/people/x", { method: "PATCH", body: { role: "owner" }, cookie: admin }),
        p(bobId),
      ),
    );
    expect(nope.status).toBe(422);
    expect(nope.json.error.fields.role).toBe("Choose a role: Member or Admin.");
  });
});

describe("the Activity list", () => {
  it("records sign-ins, invites, joins, role and limit changes and removals, with who, newest first", async () => {
    const admin = await adminCookie();
    const made = await invite(admin, "dan@example.com");
    const joined = await acceptLink(made.json.link, "dan-pass-1234", "Dan");
    expect(joined.status).toBe(200);
    const danId = (await people(admin)).find((x) => x.email === "dan@example.com")!.id;
    const patch = (body: object) =>
      person.PATCH(request("/api/team/people/x", { method: "PATCH", body, cookie: admin }), p(danId));
    await patch({ dailyLimit: 5 });
    await patch({ role: "admin" });
    await person.DELETE(request("/api/team/people/x", { method: "DELETE", cookie: admin }), p(danId));
    const res = await read(await activity.GET(request("/api/team/activity", { cookie: admin })));
    expect(res.status).toBe(200);
    const lines = (
      res.json.activity as { action: string; actor: { name: string }; subject: string; detail: object }[]
    )
      .map((e) => [e.action, e.actor.name, e.subject, e.detail])
      .reverse();
    expect(lines).toEqual([
      ["signed_in", "ada", "ada@example.com", { method: "password" }],
      ["invited", "ada", "dan@example.com", { role: "member" }],
      ["joined", "Dan", "dan@example.com", { role: "member" }],
      ["signed_in", "Dan", "dan@example.com", { method: "password" }],
      ["limit_changed", "ada", "dan@example.com", { from: null, to: 5 }],
      ["role_changed", "ada", "dan@example.com", { from: "member", to: "admin" }],
      ["removed", "ada", "dan@example.com", {}],
    ]);
  });
});
