import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MediaServer, startMediaServer } from "../testing/app-harness";
import { type FixtureName, fixture, serveRanges, serveWhole } from "./fixture-host";
import { probeImageUrl } from "./image-probe";
import { english } from "../testing/i18n";
import { createImageProber, createVideoProber, probeSubmission as probeSubmissionKeys } from "./submission";

// The checks say catalog keys (lib/i18n/message.ts); these tests read them as an English reader sees them.
const probeSubmission = async (...args: Parameters<typeof probeSubmissionKeys>) =>
  english(await probeSubmissionKeys(...args));

// Reference images measured from their first bytes over real loopback HTTP; Kling's image rules only warn.

let media: MediaServer;
beforeAll(async () => {
  media = await startMediaServer();
});
afterAll(async () => {
  await media.close();
});
beforeEach(() => media.reset());

const KLING = "kling-o3-video-to-video-edit";
const guard = { allowLoopback: true };

/** A baseline JPEG header after `segments` APP1 blocks of 50 000 bytes each (as a camera's large EXIF data). */
function jpegAfterMetadata(width: number, height: number, segments: number): Buffer {
  const apps = Array.from({ length: segments }, () => {
    const app = Buffer.alloc(4 + 50_000);
    app.writeUInt16BE(0xffe1, 0);
    app.writeUInt16BE(2 + 50_000, 2); // a segment's length counts its own two length bytes
    return app;
  });
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    3,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...apps, sof, Buffer.alloc(64)]);
}

describe("probeImageUrl", () => {
  it.each<[FixtureName, string, number, number]>([
    ["image-768x1024.jpg", "jpeg", 768, 1024],
    ["image-200x150.png", "png", 200, 150],
    ["image-1200x400.jpg", "jpeg", 1200, 400],
    ["image-600x600.webp", "webp", 600, 600],
  ])("%s: %s %d×%d, in one request", async (name, format, width, height) => {
    media.on(`/${name}`, serveRanges(fixture(name), { type: "image/*" }));
    const result = await probeImageUrl(`${media.url}/${name}`, { guard });
    expect(result).toMatchObject({ status: "probed", format, width, height });
    expect(result.stats.requests).toBe(1);
  });

  it("a JPEG whose frame header sits after a 100 KB metadata block takes a second read, not the whole file", async () => {
    const bytes = Buffer.concat([jpegAfterMetadata(1600, 900, 2), Buffer.alloc(2_000_000)]);
    media.on("/exif.jpg", serveRanges(bytes, { type: "image/jpeg" }));
    const result = await probeImageUrl(`${media.url}/exif.jpg`, { guard });
    expect(result).toMatchObject({ status: "probed", format: "jpeg", width: 1600, height: 900 });
    expect(result.stats.requests).toBe(2);
    expect(result.stats.bytesRead).toBeLessThan(200_000);
  });

  it("a host without Range support, and something that isn't an image: unprobed", async () => {
    media.on("/whole.jpg", serveWhole(fixture("image-768x1024.jpg"), "image/jpeg"));
    media.on("/text.jpg", serveRanges(Buffer.from("hello, this is not an image at all".repeat(4))));
    expect(await probeImageUrl(`${media.url}/whole.jpg`, { guard })).toMatchObject({
      status: "unprobed",
      reason: "no_range_support",
    });
    expect(await probeImageUrl(`${media.url}/text.jpg`, { guard })).toMatchObject({
      status: "unprobed",
      reason: "unreadable",
    });
  });
});

describe("probeSubmission with reference images (Kling)", () => {
  it("warns on each image field that breaks Kling's own spec, and never refuses for it", async () => {
    for (const name of [
      "fit-1280x720.mp4",
      "image-768x1024.jpg",
      "image-200x150.png",
      "image-1200x400.jpg",
      "image-600x600.webp",
    ] as const)
      media.on(`/${name}`, serveRanges(fixture(name)));
    const request = {
      model: KLING,
      prompt: "p",
      video_url: `${media.url}/fit-1280x720.mp4`,
      image_urls: [`${media.url}/image-768x1024.jpg`, `${media.url}/image-200x150.png`],
      elements: [
        {
          frontal_image_url: `${media.url}/image-1200x400.jpg`,
          reference_image_urls: [`${media.url}/image-600x600.webp`],
        },
      ],
    };
    const report = await probeSubmission(request, {
      probe: createVideoProber({ guard }),
      probeImage: createImageProber({ guard }),
    });
    expect(report.refusals).toEqual([]);
    expect(report.warnings).toEqual([
      {
        field: "image_urls.1",
        message:
          "This image is 200×150 px; Kling's own spec (not FoxAPI's page) asks for at least 300 px on each side, so it may be refused.",
      },
      {
        field: "elements.0.frontal_image_url",
        message:
          "This image is 1200×400 px (3.00:1); Kling's own spec (not FoxAPI's page) asks for an aspect ratio between 1:2.5 and 2.5:1, so it may be refused.",
      },
      {
        field: "elements.0.reference_image_urls.0",
        message:
          "This image is a WebP; Kling's own spec (not FoxAPI's page) asks for JPEG or PNG, so it may be refused.",
      },
    ]);
    expect(report.probes.map((p) => p.field)).toEqual([
      "video_url",
      "image_urls.0",
      "image_urls.1",
      "elements.0.frontal_image_url",
      "elements.0.reference_image_urls.0",
    ]);
  });

  it("without an image prober, images are not fetched at all", async () => {
    media.on("/fit.mp4", serveRanges(fixture("fit-1280x720.mp4")));
    const report = await probeSubmission(
      {
        model: KLING,
        prompt: "p",
        video_url: `${media.url}/fit.mp4`,
        image_urls: [`${media.url}/image-200x150.png`],
      },
      { probe: createVideoProber({ guard }) },
    );
    expect(report.warnings).toEqual([]);
    expect(media.requests.map((r) => r.url)).toEqual(["/fit.mp4"]);
  });
});
