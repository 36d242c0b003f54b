import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MediaServer, serveAs, startMediaServer } from "../testing/app-harness";
import { MAX_IMAGE_BYTES, MAX_VIDEO_BYTES } from "../models/shared";
import type { GenerationRequest } from "../models";
import { english } from "../testing/i18n";
import { createMediaChecker as createMediaCheckerKeys } from "./media-check";

// The checks say catalog keys (lib/i18n/message.ts); these tests read them as an English reader sees them.
const createMediaChecker = (...args: Parameters<typeof createMediaCheckerKeys>) => {
  const check = createMediaCheckerKeys(...args);
  return async (...a: Parameters<typeof check>) => english(await check(...a));
};

let media: MediaServer;
beforeAll(async () => {
  media = await startMediaServer();
});
afterAll(async () => {
  await media.close();
});
beforeEach(() => media.reset());

const veo = (video_url: string) =>
  ({
    model: "veo-3.1-extend",
    prompt: "p",
    video_url,
    aspect_ratio: "16:9",
    generate_audio: true,
  }) as GenerationRequest;

const kling = (video_url: string, image_urls: string[], frontal?: string) =>
  ({
    model: "kling-o3-video-to-video-edit",
    prompt: "p",
    video_url,
    resolution: "720p",
    keep_audio: true,
    image_urls,
    elements: frontal ? [{ frontal_image_url: frontal, reference_image_urls: [] }] : [],
  }) as GenerationRequest;

const check = (request: GenerationRequest, allowLoopback = true, timeoutMs = 2000) =>
  createMediaChecker({ allowLoopback, timeoutMs })(request);

/** A host that refuses HEAD (as some CDNs do) and answers GET its own way. */
function refusesHead(
  status: number,
  onGet: Parameters<MediaServer["on"]>[1],
): Parameters<MediaServer["on"]>[1] {
  return (req, res) => {
    if (req.method === "HEAD") {
      res.writeHead(status);
      res.end();
    } else onGet(req, res);
  };
}

describe("media check", () => {
  it("a good video and image pass with no errors or warnings, one HEAD each", async () => {
    const report = await check(kling(`${media.url}/a.mp4`, [`${media.url}/b.jpg`], `${media.url}/c.png`));
    expect(report).toEqual({ errors: {}, warnings: {} });
    expect(media.requests.map((r) => r.method).sort()).toEqual(["HEAD", "HEAD", "HEAD"]);
  });

  it("loopback is refused unless allowed, without a request", async () => {
    const report = await check(veo(`${media.url}/a.mp4`), false);
    expect(Object.keys(report.errors)).toEqual(["video_url"]);
    expect(media.requests).toHaveLength(0);
  });

  it.each([
    ["exactly 200 MB", MAX_VIDEO_BYTES, false],
    ["200 MB and a byte", MAX_VIDEO_BYTES + 1, true],
  ])("a video of %s (%i bytes) is blocked: %s", async (_why, size, blocked) => {
    media.on("/v.mp4", serveAs("video/mp4", size));
    const report = await check(veo(`${media.url}/v.mp4`));
    expect(Object.keys(report.errors)).toEqual(blocked ? ["video_url"] : []);
  });

  it.each([
    ["exactly 10 MB", MAX_IMAGE_BYTES, false],
    ["10 MB and a byte", MAX_IMAGE_BYTES + 1, true],
  ])("an image of %s (%i bytes) is blocked: %s", async (_why, size, blocked) => {
    media.on("/i.jpg", serveAs("image/png", size));
    const report = await check(kling(`${media.url}/a.mp4`, [`${media.url}/i.jpg`]));
    expect(Object.keys(report.errors)).toEqual(blocked ? ["image_urls.0"] : []);
  });

  it.each([
    ["video/quicktime", "video", false],
    ["application/octet-stream", "video", false],
    ["binary/octet-stream", "video", false],
    ["", "video", false],
    ["text/html", "video", true],
    ["application/json", "video", true],
    ["image/jpeg", "video", true],
    ["video/mp4", "image", true],
    ["text/html; charset=utf-8", "image", true],
  ])("type %j for an %s is blocked: %s", async (type, kind, blocked) => {
    media.on("/x", (req, res) => {
      res.writeHead(
        200,
        type ? { "Content-Type": type, "Content-Length": "10" } : { "Content-Length": "10" },
      );
      res.end();
    });
    const report =
      kind === "video"
        ? await check(veo(`${media.url}/x`))
        : await check(kling(`${media.url}/a.mp4`, [`${media.url}/x`]));
    const field = kind === "video" ? "video_url" : "image_urls.0";
    if (blocked) expect(report.errors[field]).toMatch(kind === "video" ? /not a video/ : /not an image/);
    else expect(report.errors).toEqual({});
  });

  it("a host that refuses HEAD is asked for one byte instead, and its size read from Content-Range", async () => {
    media.on("/no-head.mp4", refusesHead(405, serveAs("video/mp4", 300 * 1024 * 1024)));
    const report = await check(veo(`${media.url}/no-head.mp4`));
    expect(report.errors.video_url).toMatch(/300 MB/);
    expect(media.requests.map((r) => `${r.method} ${String(r.headers.range)}`)).toEqual([
      "HEAD undefined",
      "GET bytes=0-0",
    ]);
  });

  it("a host that refuses HEAD and ignores Range: its Content-Length still decides, and a normal file passes", async () => {
    const fullAnswer = (size: number) =>
      refusesHead(403, (_req, res) => {
        res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": String(size) });
        res.write(Buffer.alloc(1024));
        // Never finishes: the checker must not wait for (or read) the body.
      });
    media.on("/huge.mp4", fullAnswer(300 * 1024 * 1024));
    media.on("/fine.mp4", fullAnswer(3 * 1024 * 1024));
    const huge = await check(veo(`${media.url}/huge.mp4`));
    expect(huge.errors.video_url).toMatch(/200 MB/);
    const fine = await check(veo(`${media.url}/fine.mp4`));
    expect(fine).toEqual({ errors: {}, warnings: {} });
  });

  it("a redirect to a private or metadata address is blocked on its field", async () => {
    media.on("/r.mp4", (_req, res) => {
      res.writeHead(302, { Location: "http://169.254.169.254/latest/meta-data/" });
      res.end();
    });
    media.on("/r.jpg", (_req, res) => {
      res.writeHead(301, { Location: "http://10.0.0.1/a.jpg" });
      res.end();
    });
    const report = await check(kling(`${media.url}/r.mp4`, [`${media.url}/r.jpg`]));
    expect(report.errors.video_url).toMatch(/redirects somewhere FoxAPI could never fetch/);
    expect(report.errors["image_urls.0"]).toMatch(/redirects somewhere FoxAPI could never fetch/);
  });

  it("what can't be checked is a warning, never a block: 404, a redirect loop, a hang, an unknown host", async () => {
    media.on("/loop.mp4", (_req, res) => {
      res.writeHead(302, { Location: "/loop.mp4" });
      res.end();
    });
    media.on("/hang.jpg", () => undefined);
    const started = Date.now();
    const report = await check(
      kling(
        `${media.url}/missing`,
        [`${media.url}/loop.mp4`, `${media.url}/hang.jpg`],
        "https://no-such-host.invalid/a.jpg",
      ),
      true,
      300,
    );
    expect(report.errors).toEqual({});
    expect(Object.keys(report.warnings).sort()).toEqual([
      "elements.0.frontal_image_url",
      "image_urls.0",
      "image_urls.1",
      "video_url",
    ]);
    expect(report.warnings.video_url).toMatch(/HTTP 404/);
    expect(report.warnings["image_urls.0"]).toMatch(/redirected more than 3 times/);
    expect(report.warnings["image_urls.1"]).toMatch(/took longer than/);
    // The whole check is bounded by its timeout, not by the slowest host.
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
