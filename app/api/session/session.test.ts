import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SESSION_COOKIE, SESSION_TTL_MS, readCookie, safeEqual } from "@/lib/auth/session";
import { getDb } from "@/lib/tasks";
import {
  type Answer,
  type RequestOptions,
  read,
  request,
  setupApp,
  veoBody,
} from "@/lib/testing/app-harness";
import { SUBMIT_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as generations from "../generations/route";
import * as session from "./route";

const app = setupApp();
const PASSCODE = "tangerine-rocket-42";

// The sign-in limiter lives in the route module for the life of the process and reads the clock it found when it
// was loaded, so a fake clock (Date only; timers stay real) is installed before any import and kept for the file.
// Every test starts an hour later, with full buckets; each sign-in comes from its own address unless a test says so.
vi.hoisted(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2030, 0, 1, 9) });
});
let ip = 0;
const nextIp = () => `203.0.113.${String(++ip % 250)}, 10.0.0.1`;

beforeEach(() => {
  vi.setSystemTime(Date.now() + 3600_000);
  app.configure({ ACCESS_PASSCODE: PASSCODE });
});
afterAll(() => {
  vi.useRealTimers();
});

function signIn(
  passcode: unknown,
  options: { ip?: string; extraHeaders?: Record<string, string>; url?: string } = {},
) {
  const req = request("/api/session", {
    body: { passcode },
    extraHeaders: { "X-Forwarded-For": options.ip ?? nextIp(), ...options.extraHeaders },
  });
  return session
    .POST(
      options.url
        ? new Request(options.url, {
            method: "POST",
            headers: req.headers,
            body: JSON.stringify({ passcode }),
          })
        : req,
    )
    .then(read);
}

const signOut = (cookie: string) =>
  session
    .DELETE(
      request("/api/session", { method: "DELETE", cookie, headers: { Origin: "http://localhost:3000" } }),
    )
    .then(read);
const status = (cookie?: string) => session.GET(request("/api/session", { cookie })).then(read);
const list = (options: RequestOptions = {}) =>
  generations.GET(request("/api/generations", options)).then(read);

/** The Set-Cookie header as name=value plus its attributes. */
function parseSetCookie(res: Answer): {
  cookie: string;
  value: string;
  attrs: Record<string, string | true>;
} {
  const header = res.headers.get("set-cookie");
  expect(header).not.toBeNull();
  const [pair, ...rest] = header!.split(";").map((s) => s.trim());
  const attrs: Record<string, string | true> = {};
  for (const a of rest) {
    const [k, ...v] = a.split("=");
    attrs[k!.toLowerCase()] = v.length > 0 ? v.join("=") : true;
  }
  const value = pair!.slice(SESSION_COOKIE.length + 1);
  expect(pair!.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
  return { cookie: pair!, value, attrs };
}

async function signedIn(): Promise<string> {
  const res = await signIn(PASSCODE);
  expect(res.status).toBe(200);
  return parseSetCookie(res).cookie;
}

describe("GET /api/session", () => {
  it("says whether a passcode is required and whether this browser is signed in", async () => {
    expect((await status()).json).toEqual({ required: true, signedIn: false });
    const cookie = await signedIn();
    const res = await status(cookie);
    expect(res.json).toEqual({ required: true, signedIn: true });
    expect(res.headers.get("cache-control")).toBe("no-store");
    app.configure({ ACCESS_PASSCODE: undefined });
    expect((await status()).json).toEqual({ required: false, signedIn: true });
  });

  it("a malformed cookie is simply 'not signed in' (not a crash)", async () => {
    expect((await status(`${SESSION_COOKIE}=%E0%A4%A`)).json).toEqual({ required: true, signedIn: false });
    expect(readCookie(`${SESSION_COOKIE}=%E0%A4%A; other=1`, SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(`other=1; ${SESSION_COOKIE}=a%2Eb`, SESSION_COOKIE)).toBe("a.b");
  });
});

describe("POST /api/session: sign in", () => {
  it.each([
    ["empty", ""],
    ["a leading space", ` ${PASSCODE}`],
    ["a trailing space", `${PASSCODE} `],
    ["another case", PASSCODE.toUpperCase()],
    ["a prefix", PASSCODE.slice(0, -1)],
    ["one character more", `${PASSCODE}2`],
    ["a number", 42],
    ["null", null],
    ["an array", [PASSCODE]],
  ])("a wrong passcode (%s) → 401, no cookie", async (_why, passcode) => {
    const res = await signIn(passcode);
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("wrong_passcode");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("the right passcode → a signed session cookie: HttpOnly, SameSite=Lax, Path=/, Max-Age, no Secure over http", async () => {
    const res = await signIn(PASSCODE);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ signedIn: true });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { value, attrs } = parseSetCookie(res);
    expect(attrs).toEqual({
      path: "/",
      httponly: true,
      samesite: "Lax",
      "max-age": String(SESSION_TTL_MS / 1000),
    });
    const [id, expires, mac] = value.split(".");
    expect(id).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(Number(expires)).toBe(Date.now() + SESSION_TTL_MS);
    expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The passcode itself is nowhere in the answer.
    expect(res.text + (res.headers.get("set-cookie") ?? "")).not.toContain(PASSCODE);
  });

  it.each([
    ["X-Forwarded-Proto: https", { "X-Forwarded-Proto": "https" }, undefined, true],
    ["X-Forwarded-Proto: http", { "X-Forwarded-Proto": "http" }, undefined, false],
    ["an https request URL", {}, "https://localhost:3000/api/session", true],
  ])("Secure is set only over https (%s)", async (_why, headers, url, secure) => {
    const res = await signIn(PASSCODE, {
      extraHeaders: { ...headers, ...(url ? { Origin: "https://localhost:3000" } : {}) },
      url,
    });
    expect(res.status).toBe(200);
    expect(parseSetCookie(res).attrs.secure === true).toBe(secure);
  });

  it("with the cookie every route answers; without it, 401", async () => {
    const cookie = await signedIn();
    expect((await list({ cookie })).status).toBe(200);
    expect((await list()).status).toBe(401);
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-signed-in" }) });
    const created = await generations
      .POST(request("/api/generations", { body: veoBody(app), cookie }))
      .then(read);
    expect(created.status).toBe(201);
    expect(app.fake.requestsTo("POST", SUBMIT_PATH)).toHaveLength(1);
  });

  it("refuses anything but JSON, and answers 404 when no passcode is configured", async () => {
    const form = await session
      .POST(
        request("/api/session", {
          body: `passcode=${PASSCODE}`,
          headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost:3000" },
        }),
      )
      .then(read);
    expect(form.status).toBe(415);
    expect(form.headers.get("set-cookie")).toBeNull();
    app.configure({ ACCESS_PASSCODE: undefined });
    const none = await signIn("anything");
    expect(none.status).toBe(404);
    expect(none.json.error.code).toBe("no_passcode");
  });

  it("sessions expire: a cookie is refused once its 7 days are over", async () => {
    const cookie = await signedIn();
    vi.setSystemTime(Date.now() + SESSION_TTL_MS - 1000);
    expect((await list({ cookie })).status).toBe(200);
    vi.setSystemTime(Date.now() + 2000);
    expect((await list({ cookie })).status).toBe(401);
    expect((await status(cookie)).json.signedIn).toBe(false);
  });
});

describe("sign-in attempts are rate-limited", () => {
  it("5 tries a minute per address: the 6th (even the right passcode) → 429 with Retry-After; other addresses still work", async () => {
    const me = "198.51.100.7";
    for (let i = 0; i < 5; i++) expect((await signIn(`guess-${String(i)}`, { ip: me })).status).toBe(401);
    const limited = await signIn(PASSCODE, { ip: me });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("too_many_attempts");
    expect(limited.json.error.message).toMatch(/Too many sign-in attempts/);
    // 5 a minute, counted per minute from the first try: the rest of that minute.
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.headers.get("set-cookie")).toBeNull();

    expect((await signIn(PASSCODE, { ip: "198.51.100.8" })).status).toBe(200);

    vi.setSystemTime(Date.now() + 59_000);
    const still = await signIn(PASSCODE, { ip: me });
    expect(still.status).toBe(429);
    expect(still.headers.get("retry-after")).toBe("1");
    vi.setSystemTime(Date.now() + 1_000);
    expect((await signIn(PASSCODE, { ip: me })).status).toBe(200);
  });

  it("30 tries a minute in all: rotating X-Forwarded-For does not get past that", async () => {
    for (let i = 0; i < 30; i++) expect((await signIn(`guess-${String(i)}`)).status).toBe(401);
    const limited = await signIn(PASSCODE);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

describe("DELETE /api/session: sign out", () => {
  it("revokes the session on the server: the old cookie, replayed, no longer works", async () => {
    const cookie = await signedIn();
    const other = await signedIn();
    expect((await list({ cookie })).status).toBe(200);

    const out = await signOut(cookie);
    expect(out.status).toBe(200);
    expect(out.json).toEqual({ signedIn: false });
    const cleared = parseSetCookie(out);
    expect(cleared.value).toBe("");
    expect(cleared.attrs["max-age"]).toBe("0");

    // A browser would drop the cookie; an attacker who copied it replays it.
    const replayed = await list({ cookie });
    expect(replayed.status).toBe(401);
    expect(replayed.json.error.code).toBe("sign_in_required");
    expect((await status(cookie)).json.signedIn).toBe(false);
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    expect(
      (await generations.POST(request("/api/generations", { body: veoBody(app), cookie })).then(read)).status,
    ).toBe(401);
    expect(app.fake.requests).toHaveLength(0);
    const row = await getDb()
      .kysely.selectFrom("sessions")
      .select("revokedAt")
      .where("id", "=", cookie.split("=")[1]!.split(".")[0]!)
      .executeTakeFirstOrThrow();
    expect(row.revokedAt).toBe(Date.now());

    // Other team members stay signed in.
    expect((await list({ cookie: other })).status).toBe(200);
    // Signing out again, or without a session, is harmless.
    expect((await signOut(cookie)).status).toBe(200);
  });
});

describe("changing the passcode signs everyone out", () => {
  it("old cookies stop working, the old passcode is refused, the new one works", async () => {
    const cookie = await signedIn();
    expect((await list({ cookie })).status).toBe(200);
    app.setEnv({ ACCESS_PASSCODE: "a-brand-new-passcode" });
    expect((await list({ cookie })).status).toBe(401);
    expect((await signIn(PASSCODE)).status).toBe(401);
    const fresh = await signIn("a-brand-new-passcode");
    expect(fresh.status).toBe(200);
    expect((await list({ cookie: parseSetCookie(fresh).cookie })).status).toBe(200);
  });
});

describe("safeEqual", () => {
  it("compares exactly, whatever the lengths", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "")).toBe(true);
    expect(safeEqual("", "a")).toBe(false);
  });
});
