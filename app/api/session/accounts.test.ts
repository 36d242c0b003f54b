import { getSchema } from "better-auth/db";
import { describe, expect, it, vi } from "vitest";
import { authOptions, getAuth, isInvited, mayJoinBySso } from "@/lib/auth/accounts";
import { WRONG_CREDENTIALS } from "@/lib/auth/sign-in";
import { getEnv } from "@/lib/env";
import { getDb } from "@/lib/tasks";
import { read, request, setupApp, veoBody } from "@/lib/testing/app-harness";
import { ADMIN, accountsEnv, cookieHeader, createPerson, nextIp, signIn } from "@/lib/testing/accounts";
import { SUBMIT_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as authHandler from "../auth/[...all]/route";
import * as generations from "../generations/route";
import * as tokenById from "../tokens/[id]/route";
import * as tokens from "../tokens/route";
import * as session from "./route";
import * as sso from "./sso/route";

const app = setupApp();
const MEMBER = { email: "bob@example.com", password: "member-pass-1234" };

const attempt = (email: string, password: string, ip = nextIp()) =>
  session.POST(
    request("/api/session", { body: { email, password }, extraHeaders: { "X-Forwarded-For": ip } }),
  );
const me = async (cookie: string) =>
  (await read(await session.GET(request("/api/session", { cookie })))).json;

describe("accounts mode: signing in and out", () => {
  it("ADMIN_EMAIL/ADMIN_PASSWORD make the first admin once; later values are ignored", async () => {
    app.configure(accountsEnv());
    const cookie = await signIn(ADMIN.email, ADMIN.password);
    expect(await me(cookie)).toMatchObject({ signedIn: true, user: { email: ADMIN.email, role: "admin" } });
    // A restart with other values: the team has an admin, so nothing is created.
    app.setEnv({ ADMIN_EMAIL: "eve@example.com", ADMIN_PASSWORD: "eve-pass-12345" });
    expect((await read(await attempt("eve@example.com", "eve-pass-12345"))).status).toBe(401);
    const admins = await getDb()
      .kysely.selectFrom("users")
      .select("email")
      .where("role", "=", "admin")
      .execute();
    expect(admins).toEqual([{ email: ADMIN.email }]);
  });

  it("a wrong email and a wrong password get the same answer", async () => {
    app.configure(accountsEnv());
    const wrongEmail = await read(await attempt("nobody@example.com", ADMIN.password));
    const wrongPassword = await read(await attempt(ADMIN.email, "not-the-password"));
    expect(wrongEmail.status).toBe(401);
    expect(wrongEmail.json).toEqual(wrongPassword.json);
    expect(wrongEmail.json.error).toEqual({ code: "wrong_credentials", message: WRONG_CREDENTIALS });
  });

  it("the session cookie is HttpOnly, SameSite=Lax, and Secure behind https", async () => {
    app.configure(accountsEnv());
    const res = await attempt(ADMIN.email, ADMIN.password);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("retake.session_token="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    app.configure(accountsEnv({ APP_URL: "https://retake.example.com" }));
    const secure = (await attempt(ADMIN.email, ADMIN.password)).headers.getSetCookie();
    expect(secure.find((c) => c.startsWith("__Secure-retake.session_token="))).toMatch(/; Secure/i);
  });

  it("signing in again rotates the session: the old cookie stops working", async () => {
    app.configure(accountsEnv());
    const first = await signIn(ADMIN.email, ADMIN.password);
    const res = await session.POST(
      request("/api/session", { body: ADMIN, cookie: first, extraHeaders: { "X-Forwarded-For": nextIp() } }),
    );
    const second = cookieHeader(res.headers);
    expect(second).not.toEqual(first);
    expect((await me(first)).signedIn).toBe(false);
    expect((await me(second)).signedIn).toBe(true);
  });

  it("signing out deletes the session on the server", async () => {
    app.configure(accountsEnv());
    const cookie = await signIn(ADMIN.email, ADMIN.password);
    const out = await read(await session.DELETE(request("/api/session", { method: "DELETE", cookie })));
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((c) => /^retake\.session_token=;.*Max-Age=0/.test(c))).toBe(true);
    // The browser may keep the old cookie: it no longer opens anything.
    expect((await read(await generations.GET(request("/api/generations", { cookie })))).status).toBe(401);
  });

  it("limits guesses per account, whichever addresses they come from", async () => {
    app.configure(accountsEnv());
    for (let i = 0; i < 10; i++)
      expect((await read(await attempt(ADMIN.email, `wrong-${String(i)}`))).status).toBe(401);
    const limited = await read(await attempt(ADMIN.email, ADMIN.password));
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("too_many_attempts");
  });

  it("limits guesses per client, whichever accounts they try", async () => {
    app.configure(accountsEnv());
    for (let i = 0; i < 5; i++) await attempt(`p${String(i)}@example.com`, "whatever-123", "203.0.113.9");
    expect((await read(await attempt(ADMIN.email, ADMIN.password, "203.0.113.9"))).status).toBe(429);
  });

  it("a sign-in from another site is refused before any password is checked", async () => {
    app.configure(accountsEnv());
    const res = await read(
      await session.POST(
        request("/api/session", {
          body: ADMIN,
          headers: {
            "Content-Type": "application/json",
            Origin: "https://evil.example",
            "Sec-Fetch-Site": "cross-site",
          },
        }),
      ),
    );
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("cross_site_request");
  });
});

describe("accounts mode: removal and tokens", () => {
  async function memberWithToken() {
    app.configure(accountsEnv());
    await signIn(ADMIN.email, ADMIN.password);
    const id = await createPerson(MEMBER.email, MEMBER.password);
    const cookie = await signIn(MEMBER.email, MEMBER.password);
    const made = await read(await tokens.POST(request("/api/tokens", { body: { name: "cli" }, cookie })));
    return { id, cookie, token: made.json.token as string, tokenId: made.json.id as string };
  }
  const asToken = (token: string) => ({ extraHeaders: { Authorization: `Bearer ${token}` } });

  it("the token is shown once, stored hashed, and listed without its secret", async () => {
    const { cookie, token, tokenId } = await memberWithToken();
    expect(token).toMatch(/^rtk_/);
    const stored = await getDb()
      .kysely.selectFrom("apiKeys")
      .select("key")
      .where("id", "=", tokenId)
      .executeTakeFirst();
    expect(stored?.key).toBeDefined();
    expect(stored?.key).not.toContain(token.slice(4));
    const list = await read(await tokens.GET(request("/api/tokens", { cookie })));
    expect(list.json.tokens).toEqual([
      { id: tokenId, name: "cli", start: expect.any(String), createdAt: expect.any(String) },
    ]);
    expect(list.text).not.toContain(token);
  });

  it("a token starts a task as its owner; a revoked token stops at once", async () => {
    const { cookie, token, tokenId } = await memberWithToken();
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-cli" }) });
    const made = await read(
      await generations.POST(request("/api/generations", { body: veoBody(app), ...asToken(token) })),
    );
    expect(made.status, made.text).toBe(201);
    expect(made.json.createdBy.name).toBe("bob");
    expect(
      (
        await read(
          await tokenById.DELETE(request(`/api/tokens/${tokenId}`, { method: "DELETE", cookie }), {
            params: Promise.resolve({ id: tokenId }),
          }),
        )
      ).status,
    ).toBe(200);
    const after = await read(await generations.GET(request("/api/generations", asToken(token))));
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe("invalid_token");
  });

  it("a member cannot see or revoke another person's token", async () => {
    const { tokenId } = await memberWithToken();
    const admin = await signIn(ADMIN.email, ADMIN.password);
    expect((await read(await tokens.GET(request("/api/tokens", { cookie: admin })))).json.tokens).toEqual([]);
    const res = await read(
      await tokenById.DELETE(request(`/api/tokens/${tokenId}`, { method: "DELETE", cookie: admin }), {
        params: Promise.resolve({ id: tokenId }),
      }),
    );
    expect(res.status).toBe(404);
    expect(await getDb().kysely.selectFrom("apiKeys").select("id").execute()).toHaveLength(1);
  });

  it("a removed (banned) person's open session and token stop at once", async () => {
    const { id, cookie, token } = await memberWithToken();
    // As phase 2's Remove will: an admin bans them through better-auth's admin API.
    const admin = await signIn(ADMIN.email, ADMIN.password);
    await getAuth().api.banUser({ body: { userId: id }, headers: new Headers({ cookie: admin }) });
    expect((await read(await generations.GET(request("/api/generations", { cookie })))).status).toBe(401);
    expect((await read(await generations.GET(request("/api/generations", asToken(token))))).status).toBe(401);
    expect(app.fake.requestsTo("POST", SUBMIT_PATH)).toHaveLength(0);
  });

  it("a deleted person's token stops at once", async () => {
    const { id, token } = await memberWithToken();
    await getDb().kysely.deleteFrom("users").where("id", "=", id).execute();
    expect((await read(await generations.GET(request("/api/generations", asToken(token))))).status).toBe(401);
  });

  it("a mistyped token is refused; a token in passcode mode is not a way in", async () => {
    app.configure(accountsEnv());
    const bad = await read(await generations.GET(request("/api/generations", asToken("rtk_nope"))));
    expect([bad.status, bad.json.error.code]).toEqual([401, "invalid_token"]);
    app.configure({ ACCESS_PASSCODE: "tangerine-rocket-42" });
    expect((await read(await generations.GET(request("/api/generations", asToken("rtk_nope"))))).status).toBe(
      401,
    );
  });
});

describe("accounts mode: better-auth's surface", () => {
  it("its handler answers only the OIDC callback; sign-up and the rest are 404", async () => {
    app.configure(accountsEnv());
    await getDb().ready;
    for (const path of [
      "/api/auth/sign-up/email",
      "/api/auth/sign-in/email",
      "/api/auth/api-key/create",
      "/api/auth/admin/create-user",
    ]) {
      const post = await read(
        await authHandler.POST(
          request(path, { body: { email: "x@example.com", password: "12345678", name: "x" } }),
        ),
      );
      expect(post.status, path).toBe(404);
    }
    expect((await read(await authHandler.GET(request("/api/auth/get-session")))).status).toBe(404);
    expect((await read(await authHandler.GET(request("/api/auth/callback/oidc")))).status).toBe(404); // no OIDC set
    expect(await getDb().kysely.selectFrom("users").select("email").execute()).toEqual([]);
  });

  it("single sign-on is not there without OIDC_*", async () => {
    app.configure(accountsEnv());
    const res = await read(
      await sso.POST(
        request("/api/session/sso", {
          body: "next=/",
          extraHeaders: { "Content-Type": "application/x-www-form-urlencoded" },
        }),
      ),
    );
    expect(res.status).toBe(404);
  });

  it("our migrations hold every table and column better-auth expects, on this engine", async () => {
    app.configure(accountsEnv());
    const db = getDb();
    await db.ready;
    // better-auth's own view of its schema for our options (plugins included), against what our migrations made.
    // Our Kysely maps camelCase to snake_case, so each field lives in its snake_case column.
    const schema = getSchema(authOptions(getEnv(), db, "http://127.0.0.1:3000"));
    const tables = await db.kysely.introspection.getTables();
    const columns = new Map(tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
    const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const missing: string[] = [];
    for (const [key, table] of Object.entries(schema)) {
      const name = snake((table as { modelName?: string }).modelName ?? key);
      for (const [field, attr] of Object.entries(table.fields))
        if (!columns.get(name)?.has(snake(attr.fieldName ?? field))) missing.push(`${name}.${field}`);
    }
    expect(Object.keys(schema).length).toBeGreaterThanOrEqual(5);
    expect(missing).toEqual([]);
  });

  it("SSO newcomers: verified emails on TEAM_EMAIL_DOMAINS, or a pending invite; nobody else", async () => {
    app.configure(accountsEnv({ TEAM_EMAIL_DOMAINS: "example.com, Studio.Example.org" }));
    const env = getEnv();
    const db = getDb();
    expect(await mayJoinBySso(env, db, "kim@example.com", true)).toBe(true);
    expect(await mayJoinBySso(env, db, "kim@studio.example.org", true)).toBe(true);
    expect(await mayJoinBySso(env, db, "kim@example.com", false)).toBe(false); // unverified
    expect(await mayJoinBySso(env, db, "kim@evil-example.com", true)).toBe(false);
    expect(await mayJoinBySso(env, db, "kim@sub.example.com", true)).toBe(false);
    const now = Date.now();
    await db.kysely
      .insertInto("invites")
      .values([
        {
          id: "i1",
          email: "guest@other.org",
          role: "member",
          tokenHash: "h1",
          expiresAt: now + 60_000,
          createdBy: null,
          acceptedAt: null,
          createdAt: now,
        },
        {
          id: "i2",
          email: "late@other.org",
          role: "member",
          tokenHash: "h2",
          expiresAt: now - 1,
          createdBy: null,
          acceptedAt: null,
          createdAt: now,
        },
        {
          id: "i3",
          email: "done@other.org",
          role: "member",
          tokenHash: "h3",
          expiresAt: now + 60_000,
          createdBy: null,
          acceptedAt: now,
          createdAt: now,
        },
      ])
      .execute();
    expect(await mayJoinBySso(env, db, "Guest@Other.org", false)).toBe(true);
    expect(await isInvited(db, "late@other.org")).toBe(false);
    expect(await isInvited(db, "done@other.org")).toBe(false);
  });
});

vi.setConfig({ testTimeout: 30_000 });
