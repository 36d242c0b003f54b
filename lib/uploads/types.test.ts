import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  UPLOAD_TYPES,
  acceptFor,
  contentMatches,
  declaredType,
  fileProblem as fileProblemKey,
  formatRemaining as formatRemainingKey,
  sanitizeFileName,
  sniffType,
} from "./types";
import { english } from "../testing/i18n";

// The checks say catalog keys (lib/i18n/message.ts); these tests read them as an English reader sees them.
const fileProblem = (...args: Parameters<typeof fileProblemKey>) => english(fileProblemKey(...args));
const formatRemaining = (ms: number) => english(formatRemainingKey(ms));

const sample = (name: string) => fs.readFileSync(path.join(process.cwd(), "public", "samples", name));
const type = (mime: string) => UPLOAD_TYPES.find((t) => t.mime === mime)!;

describe("declaredType", () => {
  it.each([
    ["clip.mp4", "video/mp4", "video/mp4"],
    ["clip.MOV", "", "video/quicktime"],
    ["clip.mov", "application/octet-stream", "video/quicktime"],
    ["photo.jpeg", "image/jpeg", "image/jpeg"],
    ["photo.webp", "", "image/webp"],
    ["notes.pdf", "application/pdf", null],
    ["page.html", "text/html", null],
    ["fake.mp4", "text/html", null],
    ["noext", "", null],
  ])("%s (%s) → %s", (name, mime, expected) => {
    expect(declaredType(name, mime)?.mime ?? null).toBe(expected);
  });
});

describe("fileProblem", () => {
  it("takes a fitting video and image", () => {
    expect(fileProblem({ name: "a.mp4", type: "video/mp4", size: 1000 }, "video")).toBeNull();
    expect(fileProblem({ name: "a.png", type: "image/png", size: 1000 }, "image")).toBeNull();
  });
  it("says what is wrong in words", () => {
    expect(fileProblem({ name: "a.png", type: "image/png", size: 1 }, "video")).toBe(
      "“a.png” is not a video Retake can send: choose an MP4 or MOV file.",
    );
    expect(fileProblem({ name: "a.gif", type: "image/gif", size: 1 }, "image")).toBe(
      "“a.gif” is not an image Retake can send: choose a JPEG, PNG or WebP file.",
    );
    expect(fileProblem({ name: "big.mp4", type: "video/mp4", size: 250 * 1024 * 1024 }, "video")).toBe(
      "“big.mp4” is 250 MB; a video can be at most 200 MB.",
    );
    expect(fileProblem({ name: "big.jpg", type: "image/jpeg", size: 11 * 1024 * 1024 }, "image")).toBe(
      "“big.jpg” is 11 MB; an image can be at most 10 MB.",
    );
    expect(fileProblem({ name: "e.mp4", type: "video/mp4", size: 0 }, "video")).toBe("“e.mp4” is empty.");
  });
});

describe("sniffType", () => {
  it("recognises the bundled samples by content", () => {
    expect(sniffType(sample("portrait-9x16.mp4"))).toBe("video/mp4");
    expect(sniffType(sample("palette-square.png"))).toBe("image/png");
    expect(sniffType(sample("subject-portrait.jpg"))).toBe("image/jpeg");
  });
  it("does not take HTML or text for media", () => {
    expect(sniffType(Buffer.from("<html><script>alert(1)</script>"))).toBeNull();
    expect(contentMatches(type("video/mp4"), sniffType(Buffer.from("<svg onload=alert(1)>")))).toBe(false);
    expect(contentMatches(type("image/png"), "image/jpeg")).toBe(false);
    expect(contentMatches(type("video/quicktime"), "video/mp4")).toBe(true);
  });
  it("recognises WebP and QuickTime", () => {
    expect(sniffType(Buffer.from("RIFF\x00\x00\x00\x00WEBPVP8 ", "latin1"))).toBe("image/webp");
    expect(sniffType(Buffer.from("\x00\x00\x00\x14ftypqt  ", "latin1"))).toBe("video/quicktime");
  });
});

describe("sanitizeFileName", () => {
  it.each([
    ["clip.mp4", "video/mp4", "clip.mp4"],
    ["../../etc/passwd.mp4", "video/mp4", "passwd.mp4"],
    ["C:\\Users\\me\\My Clip (final).MOV", "video/quicktime", "My-Clip-final.mov"],
    ["<script>alert(1)</script>.png", "image/png", "script.png"],
    ["<b onload=x>.png", "image/png", "b-onload-x.png"],
    ["日本の夏.jpeg", "image/jpeg", "日本の夏.jpg"],
    ['a"b\r\nc.mp4', "video/mp4", "a-b-c.mp4"],
    ["...", "image/webp", "image.webp"],
    [".hidden.mp4", "video/mp4", "hidden.mp4"],
    ["clip.exe", "video/mp4", "clip.mp4"],
  ])("%j → %s", (name, mime, expected) => {
    expect(sanitizeFileName(name, type(mime))).toBe(expected);
  });
  it("keeps names short", () => {
    expect(sanitizeFileName(`${"a".repeat(500)}.mp4`, type("video/mp4"))).toHaveLength(104);
  });
});

describe("the rest", () => {
  it("accept lists the types and extensions", () => {
    expect(acceptFor("video")).toBe("video/mp4,video/quicktime,.mp4,.mov");
    expect(acceptFor("image")).toBe("image/jpeg,image/png,image/webp,.jpg,.png,.webp,.jpeg");
  });
  it("formats time left", () => {
    expect(formatRemaining(72 * 3600_000)).toBe("expires in 72 h");
    expect(formatRemaining(72 * 3600_000 - 1500)).toBe("expires in 72 h");
    expect(formatRemaining(90 * 60_000 - 1)).toBe("expires in 1 h");
    expect(formatRemaining(59 * 60_000)).toBe("expires in 59 min");
    expect(formatRemaining(0)).toBe("expired");
  });
});
