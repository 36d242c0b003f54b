import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/tasks";
import { utcDay } from "@/lib/tasks/submissions";
import { ADMIN, accountsEnv, createPerson, signIn } from "@/lib/testing/accounts";
import { read, request, sessionCookie, setupApp, veoBody } from "@/lib/testing/app-harness";
import { SUBMIT_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as generations from "../generations/route";
import * as tokens from "../tokens/route";
import * as report from "./report/route";

/*
 * GET /api/usage/report (issue 12): tasks per person and model over a UTC day, ISO week or month, with the credits
 * FoxAPI reserved; as JSON and as CSV. Admins see everyone, a member only their own rows (filtered on the server),
 * tokens and signed-out callers nobody. Runs on SQLite, and on PostgreSQL with ROUTE_TESTS_ON_POSTGRES=1.
 */
const app = setupApp();
const BOB = { email: "bob@example.com", password: "member-pass-1234" };
const VEO = "veo-3.1-extend";
const KLING = "kling-o3-video-to-video-edit";

const get = (query: string, headers: Record<string, string> = {}) =>
  report.GET(request(`/api/usage/report${query}`, { extraHeaders: headers })).then(read);

/** A finished task straight in the store, started by `who` at `createdAt`. */
async function seed(
  id: string,
  createdAt: number,
  who: { id: string; name: string } | null,
  extra: { model?: string; creditsReserved?: number | null } = {},
) {
  const db = getDb();
  await db.ready;
  await db.kysely
    .insertInto("tasks")
    .values({
      id,
      model: extra.model ?? VEO,
      input: JSON.stringify(veoBody(app)),
      status: "completed",
      progress: 100,
      createdAt,
      updatedAt: createdAt,
      completedAt: createdAt,
      checkedAt: createdAt,
      archiveAttempts: 0,
      creditsReserved: extra.creditsReserved ?? null,
      createdBy: who?.id ?? null,
      createdByName: who?.name ?? null,
    } as never)
    .execute();
}

async function userId(email: string): Promise<string> {
  const row = await getDb()
    .kysely.selectFrom("users")
    .select("id")
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Accounts mode with the admin (Ada) and a member (Bob) signed in. */
async function team() {
  app.configure(accountsEnv());
  const admin = await signIn(ADMIN.email, ADMIN.password);
  const bobId = await createPerson(BOB.email, BOB.password, "member", "Bob Member");
  const bob = await signIn(BOB.email, BOB.password);
  return { admin, bob, bobId, adminId: await userId(ADMIN.email) };
}

/** Starts a Veo task through the real route as `cookie`; FoxAPI says it reserved `reserved` (or says nothing). */
async function start(cookie: string, id: string, reserved?: number) {
  app.fake.on("POST", SUBMIT_PATH, {
    json: foxTask({ id, ...(reserved === undefined ? {} : { usage: { credits_reserved: reserved } }) }),
  });
  const res = await read(await generations.POST(request("/api/generations", { body: veoBody(app), cookie })));
  expect(res.status, res.text).toBe(201);
}

const SUNDAY_LAST = Date.UTC(2031, 4, 11, 23, 59, 59, 999); // Sunday 11 May 2031, 23:59:59.999 UTC
const MONDAY_FIRST = Date.UTC(2031, 4, 12); // Monday 12 May 2031, 00:00 UTC

describe("GET /api/usage/report", () => {
  it("an admin sees every person's rows: exact counts and credit sums, tasks started through the studio", async () => {
    const { admin, bob, bobId, adminId } = await team();
    const today = utcDay(Date.now());
    await start(bob, "task-b1", 5);
    await start(bob, "task-b2", 2.25);
    await start(bob, "task-b3"); // FoxAPI said nothing: counted, not summed
    await start(admin, "task-a1", 10);
    const res = await get(`?period=day&date=${today}`, { Cookie: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const next = utcDay(Date.parse(`${today}T00:00:00Z`) + 86_400_000);
    expect(res.json).toEqual({
      period: "day",
      from: `${today}T00:00:00.000Z`,
      to: `${next}T00:00:00.000Z`,
      unit: "credits",
      scope: "everyone",
      people: true,
      rows: [
        {
          person: { id: adminId, name: "ada", email: ADMIN.email },
          model: VEO,
          tasks: 1,
          creditsReserved: 10,
          tasksWithCredits: 1,
        },
        {
          person: { id: bobId, name: "Bob Member", email: BOB.email },
          model: VEO,
          tasks: 3,
          creditsReserved: 7.25,
          tasksWithCredits: 2,
        },
      ],
      totals: { tasks: 4, creditsReserved: 17.25, tasksWithCredits: 3 },
    });
  });

  it("a member sees only their own rows, whatever the query asks", async () => {
    const { bob, bobId, adminId } = await team();
    const day = Date.UTC(2031, 4, 6, 12);
    await seed("t-bob-1", day, { id: bobId, name: "Bob Member" }, { creditsReserved: 3 });
    await seed("t-bob-2", day + 1, { id: bobId, name: "Bob" }, { model: KLING, creditsReserved: 1.5 });
    await seed("t-ada", day, { id: adminId, name: "ada" }, { creditsReserved: 100 });
    await seed("t-old", day, null, { creditsReserved: 50 });
    const res = await get(`?period=month&date=2031-05-20&person=${adminId}`, { Cookie: bob });
    expect(res.status, res.text).toBe(200);
    expect(res.json.scope).toBe("mine");
    expect(res.json.rows).toEqual([
      {
        person: { id: bobId, name: "Bob Member", email: BOB.email },
        model: KLING,
        tasks: 1,
        creditsReserved: 1.5,
        tasksWithCredits: 1,
      },
      {
        person: { id: bobId, name: "Bob Member", email: BOB.email },
        model: VEO,
        tasks: 1,
        creditsReserved: 3,
        tasksWithCredits: 1,
      },
    ]);
    expect(res.json.totals).toEqual({ tasks: 2, creditsReserved: 4.5, tasksWithCredits: 2 });
    const csv = await get("?period=month&date=2031-05-20&format=csv", { Cookie: bob });
    expect(csv.text).toBe(
      "person,email,model,tasks,credits_reserved,tasks_with_credits\r\n" +
        "Bob Member,bob@example.com,Kling O3 Video Edit,1,1.5,1\r\n" +
        "Bob Member,bob@example.com,Veo 3.1 Extend,1,3,1\r\n",
    );
  });

  it("refuses a personal API token (403 token_not_allowed) and a signed-out caller (401)", async () => {
    const { bob } = await team();
    const made = await read(
      await tokens.POST(request("/api/tokens", { body: { name: "script" }, cookie: bob })),
    );
    expect(made.status, made.text).toBe(201);
    const byToken = await get("?period=day", { Authorization: `Bearer ${made.json.token as string}` });
    expect(byToken.status).toBe(403);
    expect(byToken.json.error.code).toBe("token_not_allowed");
    const csvByToken = await get("?period=day&format=csv", {
      Authorization: `Bearer ${made.json.token as string}`,
    });
    expect(csvByToken.status).toBe(403);
    const out = await get("?period=day");
    expect(out.status).toBe(401);
    expect(out.json.error.code).toBe("sign_in_required");
    app.configure({ ACCESS_PASSCODE: "tangerine-rocket-42" });
    expect((await get("?period=day")).status).toBe(401);
  });

  it.each([
    ["?period=year", "period=day, week or month", 'not "year"'],
    ["?period=", "period=day, week or month", 'not ""'],
    ["?period=week&date=2031-02-30", "YYYY-MM-DD", 'not "2031-02-30"'],
    ["?period=week&date=31-05-06", "YYYY-MM-DD", 'not "31-05-06"'],
    ["?date=2031-5-6", "YYYY-MM-DD", 'not "2031-5-6"'],
  ])("%s → 400 invalid_filter saying what to send", async (query, says, echoes) => {
    const { admin } = await team();
    const res = await get(query, { Cookie: admin });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_filter");
    expect(res.json.error.message).toContain(says);
    expect(res.json.error.message).toContain(echoes);
  });

  it("says the 400 in Chinese to a Chinese browser", async () => {
    const { admin } = await team();
    const res = await get("?period=year", { Cookie: `${admin}; NEXT_LOCALE=zh-CN` });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe("请发送 period=day、week 或 month（而不是“year”）。");
  });

  it("a week is Monday to Sunday UTC: Sunday 23:59:59.999 and Monday 00:00 fall in different weeks", async () => {
    const { admin, bobId } = await team();
    const bob = { id: bobId, name: "Bob Member" };
    await seed("sun", SUNDAY_LAST, bob, { creditsReserved: 1 });
    await seed("mon", MONDAY_FIRST, bob, { creditsReserved: 2 });
    await seed("next-mon", MONDAY_FIRST + 7 * 86_400_000, bob, { creditsReserved: 4 });
    const week = async (date: string) => {
      const res = await get(`?period=week&date=${date}`, { Cookie: admin });
      expect(res.status, res.text).toBe(200);
      return res.json as { from: string; to: string; totals: { tasks: number; creditsReserved: number } };
    };
    // Any day of the week that ends on that Sunday: Wednesday 7 May, and the Sunday itself.
    for (const date of ["2031-05-07", "2031-05-11"])
      expect(await week(date)).toMatchObject({
        from: "2031-05-05T00:00:00.000Z",
        to: "2031-05-12T00:00:00.000Z",
        totals: { tasks: 1, creditsReserved: 1 },
      });
    // The Monday starts the next week, which ends before the Monday after.
    for (const date of ["2031-05-12", "2031-05-18"])
      expect(await week(date)).toMatchObject({
        from: "2031-05-12T00:00:00.000Z",
        to: "2031-05-19T00:00:00.000Z",
        totals: { tasks: 1, creditsReserved: 2 },
      });
  });

  it("a month is the calendar month UTC; a day is one UTC day", async () => {
    const { admin, bobId } = await team();
    const bob = { id: bobId, name: "Bob Member" };
    await seed("apr-last", Date.UTC(2031, 4, 1) - 1, bob, { creditsReserved: 1 });
    await seed("may-first", Date.UTC(2031, 4, 1), bob, { creditsReserved: 2 });
    await seed("may-last", Date.UTC(2031, 5, 1) - 1, bob, { creditsReserved: 4 });
    await seed("jun-first", Date.UTC(2031, 5, 1), bob, { creditsReserved: 8 });
    const totals = async (query: string) => {
      const res = await get(query, { Cookie: admin });
      expect(res.status, res.text).toBe(200);
      return [res.json.from, res.json.to, res.json.totals.creditsReserved] as [string, string, number];
    };
    expect(await totals("?period=month&date=2031-05-31")).toEqual([
      "2031-05-01T00:00:00.000Z",
      "2031-06-01T00:00:00.000Z",
      6,
    ]);
    expect(await totals("?period=month&date=2031-04-01")).toEqual([
      "2031-04-01T00:00:00.000Z",
      "2031-05-01T00:00:00.000Z",
      1,
    ]);
    expect(await totals("?period=day&date=2031-05-01")).toEqual([
      "2031-05-01T00:00:00.000Z",
      "2031-05-02T00:00:00.000Z",
      2,
    ]);
    expect(await totals("?period=day&date=2031-04-30")).toEqual([
      "2031-04-30T00:00:00.000Z",
      "2031-05-01T00:00:00.000Z",
      1,
    ]);
  });

  it("CSV: exact text, RFC 4180 quoting, formula cells defused, a download named after the period", async () => {
    const { admin, bobId } = await team();
    const mallory = await createPerson(
      "mallory@example.com",
      "member-pass-1234",
      "member",
      '=HYPERLINK("x")',
    );
    const quoted = await createPerson("cj@example.com", "member-pass-1234", "member", 'Carol "CJ", Jones');
    const plus = await createPerson("plus@example.com", "member-pass-1234", "member", "+1 Plus");
    const day = Date.UTC(2031, 4, 6, 12);
    await seed("b1", day, { id: bobId, name: "Bob Member" }, { creditsReserved: 0.35 });
    await seed("b2", day, { id: bobId, name: "Bob Member" }, { creditsReserved: 0.1 });
    await seed("m1", day, { id: mallory, name: "x" }, { model: KLING, creditsReserved: 12 });
    await seed("c1", day, { id: quoted, name: "x" });
    await seed("p1", day, { id: plus, name: "x" }, { creditsReserved: 1 });
    // Someone whose users row is gone: the name they had then, guarded too.
    await seed("g1", day, { id: "user-gone", name: "@SUM(A1)\nGone" }, { creditsReserved: 2 });
    await seed("o1", day, null);
    const res = await get("?period=week&date=2031-05-06&format=csv", { Cookie: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="retake-usage-week-2031-05-05.csv"',
    );
    expect(res.headers.get("cache-control")).toBe("no-store");
    // The text starts with a byte order mark (Excel reads UTF-8 only then); text() drops it, the bytes keep it.
    const raw = await report.GET(
      request("/api/usage/report?period=week&date=2031-05-06&format=csv", {
        extraHeaders: { Cookie: admin },
      }),
    );
    expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x70]);
    expect(res.text).toBe(
      [
        "person,email,model,tasks,credits_reserved,tasks_with_credits",
        '"\'@SUM(A1)\nGone",,Veo 3.1 Extend,1,2,1',
        "'+1 Plus,plus@example.com,Veo 3.1 Extend,1,1,1",
        '"\'=HYPERLINK(""x"")",mallory@example.com,Kling O3 Video Edit,1,12,1',
        "Bob Member,bob@example.com,Veo 3.1 Extend,2,0.45,2",
        '"Carol ""CJ"", Jones",cj@example.com,Veo 3.1 Extend,1,0,0',
        "Not recorded (before accounts),,Veo 3.1 Extend,1,0,0",
      ]
        .map((line) => `${line}\r\n`)
        .join(""),
    );
  });

  it("without accounts there are no people: one Everyone row per model, all tasks, CSV in the caller's language", async () => {
    app.configure(); // AUTH_MODE none
    const day = Date.UTC(2031, 4, 6, 12);
    await seed("x1", day, { id: "user-1", name: "Ada" }, { creditsReserved: 3 });
    await seed("x2", day, { id: "user-2", name: "Bob" }, { creditsReserved: 4.5 });
    await seed("x3", day, null);
    await seed("x4", day, null, { model: KLING, creditsReserved: 1 });
    const res = await get("?period=day&date=2031-05-06");
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ scope: "everyone", people: false });
    expect(res.json.rows).toEqual([
      { person: null, model: KLING, tasks: 1, creditsReserved: 1, tasksWithCredits: 1 },
      { person: null, model: VEO, tasks: 3, creditsReserved: 7.5, tasksWithCredits: 2 },
    ]);
    expect(res.json.totals).toEqual({ tasks: 4, creditsReserved: 8.5, tasksWithCredits: 3 });
    const en = await get("?period=day&date=2031-05-06&format=csv");
    expect(en.text).toBe(
      "person,email,model,tasks,credits_reserved,tasks_with_credits\r\n" +
        "Everyone,,Kling O3 Video Edit,1,1,1\r\n" +
        "Everyone,,Veo 3.1 Extend,3,7.5,2\r\n",
    );
    const zh = await get("?period=day&date=2031-05-06&format=csv", { "Accept-Language": "zh-CN" });
    expect(zh.text.split("\r\n")[1]).toBe("所有人,,Kling O3 Video Edit,1,1,1");
  });

  it("passcode mode: a passcode session sees everyone, as one person", async () => {
    app.configure({ ACCESS_PASSCODE: "tangerine-rocket-42" });
    await seed("p1", Date.UTC(2031, 4, 6), { id: "user-1", name: "Ada" }, { creditsReserved: 2 });
    const res = await get("?period=day&date=2031-05-06", { Cookie: await sessionCookie() });
    expect(res.status, res.text).toBe(200);
    expect(res.json.rows).toEqual([
      { person: null, model: VEO, tasks: 1, creditsReserved: 2, tasksWithCredits: 1 },
    ]);
  });
});
