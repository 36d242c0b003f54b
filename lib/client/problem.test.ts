import { describe, expect, it } from "vitest";
import { decodeMsg } from "@/lib/i18n/message";
import { problemOf } from "./problem";

describe("problemOf", () => {
  it("reads our routes' message and field messages", async () => {
    const res = Response.json(
      { error: { code: "invalid_request", message: "Check the form.", fields: { password: "Too short." } } },
      { status: 400 },
    );
    expect(await problemOf(res)).toEqual({ message: "Check the form.", fields: { password: "Too short." } });
  });

  it("falls back to the caller's words, then to the status, for a body that isn't ours", async () => {
    expect(
      await problemOf(new Response("<html>Bad gateway</html>", { status: 502 }), "Sign-in failed."),
    ).toEqual({ message: "Sign-in failed.", fields: {} });
    const bare = await problemOf(new Response("", { status: 503 }));
    expect(decodeMsg(bare.message)).toEqual({ key: "errors.status", values: { status: "503" } });
    expect(bare.fields).toEqual({});
  });
});
