import { NextResponse } from "next/server";
import { describe, expect, it } from "vitest";
import { ORIGIN, read, request, sessionCookie, setupApp } from "../testing/app-harness";
import { ApiError } from "./errors";
import { withAccess, withOpenAccess } from "./route";

const app = setupApp();

describe("the route wrapper", () => {
  it("answers no-store unless the handler chose a policy, and keeps the handler's answer otherwise", async () => {
    const plain = withAccess(() => NextResponse.json({ ok: true }, { status: 201 }));
    const res = await read(await plain(request("/x")));
    expect([res.status, res.json, res.headers.get("cache-control")]).toEqual([201, { ok: true }, "no-store"]);

    const cached = withAccess(
      () => new Response("v", { headers: { "Cache-Control": "private, max-age=60" } }),
    );
    expect((await cached(request("/x"))).headers.get("cache-control")).toBe("private, max-age=60");

    // A redirect's headers are immutable: the wrapper answers a copy with the same status and location.
    const moved = withAccess(() => Response.redirect("http://localhost:3000/y", 302));
    const redirect = await moved(request("/x"));
    expect([
      redirect.status,
      redirect.headers.get("location"),
      redirect.headers.get("cache-control"),
    ]).toEqual([302, "http://localhost:3000/y", "no-store"]);
  });

  it("maps a thrown ApiError to the one error body, with the route's own headers on errors too", async () => {
    const route = withOpenAccess<{ name: string }>(
      ({ params }) => {
        throw new ApiError(410, "expired", `${params.name} has expired.`);
      },
      { headers: { "X-Content-Type-Options": "nosniff" } },
    );
    const res = await read(await route(request("/x"), { params: Promise.resolve({ name: "a.mp4" }) }));
    expect(res.status).toBe(410);
    expect(res.json).toEqual({ error: { code: "expired", message: "a.mp4 has expired." } });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("checks access first, then the origin, then the body type, before the handler runs", async () => {
    let ran = 0;
    const route = withAccess(
      ({ caller }) => {
        ran++;
        return NextResponse.json({ session: caller.sessionId });
      },
      { sameOrigin: true, accepts: "json" },
    );
    const call = async (options: Parameters<typeof request>[1]) => {
      const res = await read(await route(request("/x", { method: "POST", ...options })));
      return `${String(res.status)} ${String((res.json as { error?: { code: string } }).error?.code ?? "")}`;
    };
    app.configure({ ACCESS_PASSCODE: "pass-1234" });
    const evil = { Origin: "https://evil.example", "Content-Type": "text/plain" };
    expect(await call({ headers: evil })).toBe("401 sign_in_required");
    const cookie = await sessionCookie();
    expect(await call({ headers: evil, cookie })).toBe("403 cross_site_request");
    expect(await call({ headers: { Origin: ORIGIN, "Content-Type": "text/plain" }, cookie })).toBe(
      "415 unsupported_media_type",
    );
    expect(ran).toBe(0);
    expect(await call({ headers: { Origin: ORIGIN, "Content-Type": "application/json" }, cookie })).toBe(
      "200 ",
    );
    expect(ran).toBe(1);

    // An open route skips the session, never the origin check.
    const open = withOpenAccess(() => NextResponse.json({}), { sameOrigin: true });
    expect((await open(request("/x", { method: "DELETE" }))).status).toBe(200);
    expect(
      (await open(request("/x", { method: "DELETE", headers: { Origin: "https://evil.example" } }))).status,
    ).toBe(403);
  });
});
