import { describe, expect, it } from "vitest";
import { read, request, setupApp } from "@/lib/testing/app-harness";
import { ADMIN, accountsEnv, createPerson, signIn } from "@/lib/testing/accounts";
import * as generations from "@/app/api/generations/route";
import * as session from "@/app/api/session/route";
import * as tokens from "@/app/api/tokens/route";

const app = setupApp();

describe("accounts: smoke", () => {
  it("the first admin signs in, sees tasks, makes a token that works on GET /api/generations", async () => {
    app.configure(accountsEnv());
    const cookie = await signIn(ADMIN.email, ADMIN.password);
    const me = await read(await session.GET(request("/api/session", { cookie })));
    expect(me.json).toMatchObject({
      mode: "accounts",
      signedIn: true,
      user: { email: ADMIN.email, role: "admin" },
    });
    expect((await read(await generations.GET(request("/api/generations", { cookie })))).status).toBe(200);
    const made = await read(await tokens.POST(request("/api/tokens", { body: { name: "ci" }, cookie })));
    expect(made.status, made.text).toBe(201);
    const bearer = { Authorization: `Bearer ${made.json.token as string}` };
    expect(
      (await read(await generations.GET(request("/api/generations", { extraHeaders: bearer })))).status,
    ).toBe(200);
    await createPerson("bob@example.com", "member-pass-1234");
    const bob = await signIn("bob@example.com", "member-pass-1234");
    expect((await read(await session.GET(request("/api/session", { cookie: bob })))).json.user.role).toBe(
      "member",
    );
  });
});
