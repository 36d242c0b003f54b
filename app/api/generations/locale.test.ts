import { describe, expect, it } from "vitest";
import { read, request, setupApp } from "@/lib/testing/app-harness";
import { SUBMIT_PATH, foxError } from "@/lib/testing/fake-foxapi";
import * as locale from "../locale/route";
import * as collection from "./route";

// Issue 15: the API's error messages follow the caller's language (the Language cookie, else Accept-Language);
// the codes never change. The studio form gets the same words the schema gives it in the browser.

const app = setupApp({ quietErrors: true });

const kling = { model: "kling-o3-video-to-video-edit", prompt: "", video_url: "ftp://example.com/a.mp4" };

const post = (body: unknown, headers: Record<string, string>) =>
  collection
    .POST(request("/api/generations", { body, headers: { "Content-Type": "application/json", ...headers } }))
    .then(read);

describe("localized API errors", () => {
  it("a 422's message and field messages in Chinese for Accept-Language zh-CN, the same code", async () => {
    const res = await post(kling, { "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8" });
    expect(res.status).toBe(422);
    expect(res.json.error).toEqual({
      code: "invalid_request",
      message: "有些字段需要修改后才能生成。",
      fields: {
        prompt: "请填写描述修改内容的提示词。",
        video_url: "视频的 URL 必须以 http:// 或 https:// 开头。",
      },
    });
    expect(app.fake.requests).toHaveLength(0);
  });

  it("the same 422 in English without a preference, and for an English browser", async () => {
    const cases: Record<string, string>[] = [
      {},
      { "Accept-Language": "en-GB,en;q=0.9" },
      { "Accept-Language": "fr-FR" },
    ];
    for (const headers of cases) {
      const res = await post(kling, headers);
      expect(res.status).toBe(422);
      expect(res.json.error).toEqual({
        code: "invalid_request",
        message: "Some fields need fixing before this can be generated.",
        fields: {
          prompt: "Write a prompt that describes the change.",
          video_url: "The video URL must start with http:// or https://.",
        },
      });
    }
  });

  it("the person's choice (the NEXT_LOCALE cookie) wins over the browser's languages", async () => {
    const zh = await post(kling, { "Accept-Language": "en-US", Cookie: "NEXT_LOCALE=zh-CN" });
    expect(zh.json.error.fields.prompt).toBe("请填写描述修改内容的提示词。");
    const en = await post(kling, { "Accept-Language": "zh-CN", Cookie: "NEXT_LOCALE=en" });
    expect(en.json.error.fields.prompt).toBe("Write a prompt that describes the change.");
  });

  it("a rule with figures (Kling's reference cap, a broken @Image) keeps its figures in Chinese", async () => {
    const img = (n: number) => `https://example.com/${String(n)}.jpg`;
    const res = await post(
      {
        ...kling,
        prompt: "Use @Image9",
        video_url: "https://example.com/a.mp4",
        image_urls: [1, 2, 3, 4, 5].map(img),
      },
      { "Accept-Language": "zh" },
    );
    expect(res.status).toBe(422);
    expect(res.json.error.fields).toEqual({
      image_urls: "Kling 的参考图和主体元素合计最多 4 个；当前有 5 个，请移除 1 个。",
      prompt: "@Image9 没有对应的素材：当前有 5 个参考图，请使用 @Image1…@Image5。",
    });
  });

  it("402 from FoxAPI: insufficient_credit in Chinese, code unchanged", async () => {
    app.fake.on("POST", SUBMIT_PATH, foxError(402, "insufficient_quota", "quota", "insufficient_quota"));
    const body = { ...kling, prompt: "Make @Video1 dusk", video_url: "https://example.com/a.mp4" };
    const res = await post(body, { "Accept-Language": "zh-CN" });
    expect(res.status).toBe(402);
    expect(res.json.error.code).toBe("insufficient_credit");
    expect(res.json.error.message).toBe("FoxAPI 账户余额不足。请充值后重试。");
  });

  it("401 without a session: the sign-in words in Chinese", async () => {
    app.configure({ ACCESS_PASSCODE: "correct horse battery staple" });
    const res = await collection
      .GET(request("/api/generations", { headers: { "Accept-Language": "zh-CN" } }))
      .then(read);
    expect(res.status).toBe(401);
    expect(res.json.error).toEqual({ code: "sign_in_required", message: "请先用团队口令登录。" });
  });
});

describe("POST /api/locale", () => {
  const choose = (body: string, headers: Record<string, string> = {}) =>
    locale.POST(
      request("/api/locale", {
        body,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Origin: "http://localhost:3000",
          ...headers,
        },
      }),
    );

  it("remembers the choice in a cookie and goes back to the page it came from", async () => {
    const res = await choose("locale=zh-CN", { Referer: "http://localhost:3000/tasks/abc?x=1" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/tasks/abc?x=1");
    expect(res.headers.get("set-cookie")).toMatch(/^NEXT_LOCALE=zh-CN; Path=\/; Max-Age=\d+; SameSite=Lax$/);
  });

  it("never redirects off the site, and refuses another site's form", async () => {
    const offsite = await choose("locale=en&next=//evil.example/", { Referer: "https://evil.example/page" });
    expect(offsite.headers.get("location")).toBe("/");
    const cross = await choose("locale=en", {
      Origin: "https://evil.example",
      "Sec-Fetch-Site": "cross-site",
    });
    expect(cross.status).toBe(403);
    expect(cross.headers.get("set-cookie")).toBeNull();
  });

  it("an unknown language is a 422 in the caller's language", async () => {
    const res = await read(await choose("locale=fr", { "Accept-Language": "zh-CN" }));
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("invalid_request");
    expect(res.json.error.fields).toEqual({ locale: "请选择语言：en 或 zh-CN。" });
  });
});
