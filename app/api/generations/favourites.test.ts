import { describe, expect, it } from "vitest";
import { getTaskStore } from "@/lib/tasks";
import {
  type RequestOptions,
  params,
  read,
  request,
  sessionCookie,
  setupApp,
  veoBody,
} from "@/lib/testing/app-harness";
import { SUBMIT_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as collection from "./route";
import * as item from "./[id]/route";

// Favourites (issue 14) on whichever engine the suite runs on: SQLite by default, PostgreSQL with
// ROUTE_TESTS_ON_POSTGRES=1 (each test gets a schema of its own).
const app = setupApp();

const patch = (id: string, body: unknown, options: RequestOptions = {}) =>
  item
    .PATCH(
      request(`/api/generations/${encodeURIComponent(id)}`, { method: "PATCH", body, ...options }),
      params("id", id),
    )
    .then(read);
const list = (query = "", options: RequestOptions = {}) =>
  collection.GET(request(`/api/generations${query}`, options)).then(read);
const ids = (answer: { json: { tasks: { id: string }[] } }) => answer.json.tasks.map((t) => t.id);

async function submit(id: string, options: RequestOptions = {}) {
  app.fake.enqueue("POST", SUBMIT_PATH, { json: foxTask({ id }) });
  const res = await collection
    .POST(request("/api/generations", { body: veoBody(app), ...options }))
    .then(read);
  expect(res.status).toBe(201);
  expect(res.json.favourite).toBe(false);
  return id;
}

const changeSeq = async (id: string) => (await getTaskStore().getChanged(id))!.changeSeq;

describe("PATCH /api/generations/{id} favourite", () => {
  it("marks and unmarks a task, stores it, and ?favourite=1 lists only the marked ones", async () => {
    const a = await submit("task-fav-a");
    const b = await submit("task-fav-b");
    await submit("task-fav-c");
    const upstreamCalls = app.fake.requests.length;

    const marked = await patch(a, { favourite: true });
    expect(marked.status).toBe(200);
    expect(marked.headers.get("cache-control")).toBe("no-store");
    expect(marked.json).toMatchObject({ id: a, favourite: true, status: "pending" });
    expect((await patch(b, { favourite: true })).json.favourite).toBe(true);

    expect(ids(await list("?favourite=1"))).toEqual([b, a]);
    expect(ids(await list("?favourite=true&limit=1"))).toEqual([b]);
    expect(ids(await list())).toEqual(["task-fav-c", b, a]);
    expect(ids(await list("?favourite=0"))).toEqual(["task-fav-c", b, a]);
    const all = (await list()).json.tasks as { id: string; favourite: boolean }[];
    expect(all.map((t) => [t.id, t.favourite])).toEqual([
      ["task-fav-c", false],
      [b, true],
      [a, true],
    ]);

    expect((await patch(a, { favourite: false })).json.favourite).toBe(false);
    expect(ids(await list("?favourite=1"))).toEqual([b]);
    // Combined with the other filters.
    expect(ids(await list("?favourite=1&status=pending"))).toEqual([b]);
    expect(ids(await list("?favourite=1&status=completed"))).toEqual([]);
    // Nothing of this reaches FoxAPI.
    expect(app.fake.requests).toHaveLength(upstreamCalls);
  });

  it("a change takes the next change number (so the live stream carries it); a repeat changes nothing", async () => {
    const a = await submit("task-fav-seq");
    const before = await changeSeq(a);
    await patch(a, { favourite: true });
    const after = await changeSeq(a);
    expect(Number(after)).toBeGreaterThan(Number(before));
    const changes = await getTaskStore().changesSince(Number(before), 10);
    expect(changes.map((c) => [c.id, c.favourite])).toEqual([[a, 1]]);
    await patch(a, { favourite: true });
    expect(await changeSeq(a)).toBe(after);
  });

  it.each([
    ["a string", { favourite: "yes" }, { favourite: "Must be true or false." }],
    ["nothing", {}, { favourite: "Must be true or false." }],
    ["another field", { favourite: true, status: "completed" }, { status: "This field can't be changed." }],
    ["an array", [true], { favourite: "Must be true or false." }],
  ])("refuses %s with 422 and changes nothing", async (_name, body, fields) => {
    const a = await submit("task-fav-bad");
    const res = await patch(a, body);
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({ code: "invalid_request", fields });
    expect((await list()).json.tasks[0]).toMatchObject({ id: a, favourite: false, status: "pending" });
  });

  it("answers 404 for an unknown task, 400 for a bad filter, 415 for a non-JSON body", async () => {
    expect((await patch("task-missing", { favourite: true })).json.error.code).toBe("task_not_found");
    const bad = await list("?favourite=maybe");
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_filter");
    const a = await submit("task-fav-415");
    const text = await patch(a, "favourite=true", {
      headers: { "Content-Type": "text/plain", Origin: "http://localhost:3000" },
    });
    expect(text.status).toBe(415);
  });

  it("refuses a request from another site, and one without a session when a passcode is set", async () => {
    const a = await submit("task-fav-origin");
    const cross = await patch(
      a,
      { favourite: true },
      {
        extraHeaders: { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
      },
    );
    expect(cross.status).toBe(403);
    expect(cross.json.error.code).toBe("cross_site_request");

    app.configure({ ACCESS_PASSCODE: "correct horse battery staple" });
    const anonymous = await patch(a, { favourite: true });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.code).toBe("sign_in_required");
    expect(ids(await list("?favourite=1", { cookie: await sessionCookie() }))).toEqual([]);
    const signedIn = await patch(a, { favourite: true }, { cookie: await sessionCookie() });
    expect(signedIn.status).toBe(200);
    expect(ids(await list("?favourite=1", { cookie: await sessionCookie() }))).toEqual([a]);
  });
});
