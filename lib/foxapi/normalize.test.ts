import { describe, expect, it } from "vitest";
import { extractResultUrl, isSafeTaskId, isTerminal, normalizeTask } from "./normalize";

const OUT = "https://cdn.foxapi.cc/tasks/abc/out.mp4";
const base = {
  id: "task-unified-1757165031-uyujaw3d",
  object: "video.generation.task",
  model: "veo-3.1-extend",
};

describe("normalizeTask: result URL from every documented shape", () => {
  it.each([
    ["results[].url (newer doc)", { results: [{ url: OUT }, { url: "https://cdn.foxapi.cc/second.mp4" }] }],
    ["results[] as strings (sibling platform)", { results: [OUT] }],
    ["output.url (older doc)", { output: { url: OUT, duration: 7, width: 1280, height: 720 } }],
    ["output.urls[] (older doc)", { output: { urls: [OUT, "https://cdn.foxapi.cc/x.mp4"] } }],
    ["empty results, then output.url", { results: [], output: { url: OUT } }],
    ["results[0] without url, then output.urls[0]", { results: [{}], output: { urls: [OUT] } }],
  ])("%s", (_name, shape) => {
    const task = normalizeTask({ ...base, status: "completed", progress: 100, ...shape });
    expect(task.status).toBe("completed");
    expect(task.resultUrl).toBe(OUT);
    expect(task.error).toBeNull();
  });

  it("the full newer-doc example", () => {
    expect(
      normalizeTask({
        ...base,
        type: "video",
        status: "completed",
        progress: 100,
        created: 1757165031,
        results: [{ url: OUT }],
        error: null,
        usage: { credits_reserved: 5, user_group: "default" },
      }),
    ).toEqual({
      id: base.id,
      model: "veo-3.1-extend",
      status: "completed",
      rawStatus: "completed",
      progress: 100,
      createdAt: 1757165031000,
      estimatedSeconds: null,
      resultUrl: OUT,
      error: null,
      creditsReserved: 5,
    });
  });

  it("usage.credits_reserved: kept as a number (fractions too); absent, negative or garbage is null", () => {
    const reserved = (usage: unknown) =>
      normalizeTask({ ...base, status: "pending", ...(usage === undefined ? {} : { usage }) })
        .creditsReserved;
    expect(reserved({ credits_reserved: 12.5, user_group: "default" })).toBe(12.5);
    expect(reserved({ credits_reserved: "8" })).toBe(8);
    expect(reserved({ credits_reserved: 0 })).toBe(0);
    expect(reserved(undefined)).toBeNull();
    expect(reserved(null)).toBeNull();
    expect(reserved({ credits_reserved: -3 })).toBeNull();
    expect(reserved({ credits_reserved: "lots" })).toBeNull();
    expect(reserved(7)).toBeNull();
    // The submit answer wrapped in `data` carries it too.
    expect(
      normalizeTask({ data: { ...base, status: "pending", usage: { credits_reserved: 3 } } }).creditsReserved,
    ).toBe(3);
  });

  it("no URL anywhere gives null", () => {
    expect(normalizeTask({ ...base, status: "completed", results: [] }).resultUrl).toBeNull();
    expect(normalizeTask({ ...base, status: "completed", output: { urls: [] } }).resultUrl).toBeNull();
    expect(normalizeTask({ ...base, status: "completed", results: null, output: null }).resultUrl).toBeNull();
  });

  it.each([
    ["javascript:", "javascript:alert(document.cookie)"],
    ["data:", "data:video/mp4;base64,AAAA"],
    ["file:", "file:///etc/passwd"],
    ["relative path", "/api/simulator/files/x.mp4"],
    ["protocol-relative", "//evil.example/x.mp4"],
    ["garbage", "not a url"],
  ])("drops a %s result URL", (_name, url) => {
    expect(normalizeTask({ ...base, status: "completed", results: [{ url }] }).resultUrl).toBeNull();
    expect(normalizeTask({ ...base, status: "completed", results: [url] }).resultUrl).toBeNull();
    expect(
      normalizeTask({ ...base, status: "completed", output: { url, urls: [url] } }).resultUrl,
    ).toBeNull();
  });

  it("falls through a javascript: URL to a safe one further down the list of shapes", () => {
    expect(
      normalizeTask({
        ...base,
        status: "completed",
        results: [{ url: "javascript:alert(1)" }],
        output: { url: OUT },
      }).resultUrl,
    ).toBe(OUT);
  });

  it("accepts a root-relative path only when asked (the simulator)", () => {
    const raw = { ...base, status: "completed", results: [{ url: "/api/simulator/files/a.mp4?x=1" }] };
    expect(normalizeTask(raw, { allowRootRelativeUrls: true }).resultUrl).toBe(
      "/api/simulator/files/a.mp4?x=1",
    );
    expect(normalizeTask(raw).resultUrl).toBeNull();
    expect(extractResultUrl({ results: ["//evil.example/a.mp4"] }, true)).toBeNull();
  });
});

describe("normalizeTask: errors", () => {
  it("error object (task_error)", () => {
    const task = normalizeTask({
      ...base,
      status: "failed",
      progress: 30,
      error: {
        code: "generation_failed",
        message: "The content violates the usage policy.",
        type: "task_error",
      },
    });
    expect(task.status).toBe("failed");
    expect(task.error).toEqual({
      code: "generation_failed",
      message: "The content violates the usage policy.",
    });
    expect(isTerminal(task.status)).toBe(true);
  });

  it("error string", () => {
    expect(normalizeTask({ ...base, status: "failed", error: "Provider timed out" }).error).toEqual({
      code: "generation_failed",
      message: "Provider timed out",
    });
  });

  it("error object with only a code uses the code as the message", () => {
    expect(normalizeTask({ ...base, status: "failed", error: { code: "content_policy" } }).error).toEqual({
      code: "content_policy",
      message: "content_policy",
    });
  });

  it("a failure with no reason still carries a message", () => {
    const task = normalizeTask({ ...base, status: "failed", error: null });
    expect(task.error?.code).toBe("generation_failed");
    expect(task.error?.message).toMatch(/without a reason/);
  });

  it("ignores a stray error on a running or completed task", () => {
    expect(normalizeTask({ ...base, status: "processing", error: { message: "old" } }).error).toBeNull();
    expect(normalizeTask({ ...base, status: "completed", results: [OUT], error: "old" }).error).toBeNull();
  });

  it("a status-less body with an error is a failure", () => {
    const task = normalizeTask({ ...base, error: { message: "boom", code: "x" } });
    expect(task.status).toBe("failed");
    expect(task.error).toEqual({ code: "x", message: "boom" });
  });
});

describe("normalizeTask: status", () => {
  it.each([
    ["pending", "pending"],
    ["processing", "processing"],
    ["completed", "completed"],
    ["failed", "failed"],
    ["PROCESSING", "processing"],
    ["queued", "pending"],
    ["succeeded", "completed"],
    ["paused", "unknown"],
    ["", "unknown"],
  ])("%s → %s", (raw, expected) => {
    const task = normalizeTask({ ...base, status: raw, results: [OUT] });
    expect(task.status).toBe(expected);
  });

  it("keeps the raw word of an unknown status, and it is not terminal", () => {
    const task = normalizeTask({ ...base, status: "awaiting_moderation", progress: 40 });
    expect(task.status).toBe("unknown");
    expect(task.rawStatus).toBe("awaiting_moderation");
    expect(task.progress).toBe(40);
    expect(isTerminal(task.status)).toBe(false);
  });

  it("a missing status without an error is unknown", () => {
    expect(normalizeTask({ ...base }).status).toBe("unknown");
  });

  it.each(["cancelled", "canceled"])("%s → failed with a cancellation message", (raw) => {
    const task = normalizeTask({ ...base, status: raw });
    expect(task.status).toBe("failed");
    expect(task.rawStatus).toBe(raw);
    expect(task.error).toEqual({ code: "cancelled", message: "The task was cancelled." });
  });

  it("cancelled with the upstream's own reason keeps the reason", () => {
    expect(
      normalizeTask({ ...base, status: "cancelled", error: { message: "User cancelled" } }).error?.message,
    ).toBe("User cancelled");
  });
});

describe("normalizeTask: progress, times, estimate", () => {
  it.each([
    [-5, "processing", 0],
    [150, "processing", 100],
    [42.4, "processing", 42],
    [0.5, "processing", 50],
    ["37", "processing", 37],
    [null, "processing", 0],
    ["abc", "pending", 0],
    [Number.NaN, "processing", 0],
    [10, "completed", 100],
    [undefined, "completed", 100],
  ])("progress %s while %s → %i", (progress, status, expected) => {
    expect(normalizeTask({ ...base, status, progress, results: [OUT] }).progress).toBe(expected);
  });

  it("created in seconds and in milliseconds both become milliseconds", () => {
    expect(normalizeTask({ ...base, created: 1757165031 }).createdAt).toBe(1757165031000);
    expect(normalizeTask({ ...base, created: 1757165031123 }).createdAt).toBe(1757165031123);
    expect(normalizeTask({ ...base, created: "1757165031" }).createdAt).toBe(1757165031000);
    expect(normalizeTask({ ...base, created_at: "2025-09-06T13:23:51Z" }).createdAt).toBe(
      Date.UTC(2025, 8, 6, 13, 23, 51),
    );
    expect(normalizeTask({ ...base }).createdAt).toBeNull();
    expect(normalizeTask({ ...base, created: "yesterday" }).createdAt).toBeNull();
  });

  it("estimated_time from task_info, else top-level, never negative", () => {
    expect(
      normalizeTask({ ...base, task_info: { can_cancel: true, estimated_time: 45 } }).estimatedSeconds,
    ).toBe(45);
    expect(normalizeTask({ ...base, estimated_time: 90.4 }).estimatedSeconds).toBe(90);
    expect(
      normalizeTask({ ...base, estimated_time: 90, task_info: { estimated_time: 45 } }).estimatedSeconds,
    ).toBe(45);
    expect(normalizeTask({ ...base, task_info: { estimated_time: -1 } }).estimatedSeconds).toBeNull();
    expect(normalizeTask({ ...base }).estimatedSeconds).toBeNull();
  });

  it("the submit envelope from the contract", () => {
    expect(
      normalizeTask({
        created: 1757165031,
        id: "task-unified-1757165031-uyujaw3d",
        model: "kling-o3-video-to-video-edit",
        object: "video.generation.task",
        progress: 0,
        status: "pending",
        task_info: { can_cancel: true, estimated_time: 45 },
        type: "video",
      }),
    ).toEqual({
      id: "task-unified-1757165031-uyujaw3d",
      model: "kling-o3-video-to-video-edit",
      status: "pending",
      rawStatus: "pending",
      progress: 0,
      createdAt: 1757165031000,
      estimatedSeconds: 45,
      resultUrl: null,
      error: null,
      creditsReserved: null,
    });
  });
});

describe("normalizeTask: envelope", () => {
  it.each([
    ["no id", { status: "pending" }],
    ["empty id", { id: "  ", status: "pending" }],
    ["numeric id", { id: 12, status: "pending" }],
    ["null", null],
    ["an array", [{ id: "x" }]],
    ["a string", "task-1"],
  ])("throws on a body with %s", (_name, raw) => {
    expect(() => normalizeTask(raw)).toThrow(TypeError);
  });

  it("reads task_id and a data wrapper", () => {
    expect(normalizeTask({ task_id: "t-1", status: "pending" }).id).toBe("t-1");
    expect(normalizeTask({ data: { id: "t-2", status: "processing" } })).toMatchObject({
      id: "t-2",
      status: "processing",
    });
  });
});

describe("isSafeTaskId", () => {
  it.each([
    "task-unified-1757165031-uyujaw3d",
    "sim-mabc123-klnn-abcdefgh",
    "abc",
    "A1_b.c:d-e",
    "x".repeat(128),
  ])("accepts %s", (id) => {
    expect(isSafeTaskId(id)).toBe(true);
  });

  it.each([
    ["../x", "../x"],
    ["a/b", "a/b"],
    ["empty", ""],
    ["spaces", "task 1"],
    ["leading space", " task"],
    ["200 chars", "x".repeat(200)],
    ["129 chars", "x".repeat(129)],
    ["dot-dot inside", "a..b"],
    ["percent-encoded slash", "a%2Fb"],
    ["query", "a?sync_upstream=false"],
    ["backslash", "a\\b"],
    ["newline", "a\nb"],
    ["leading dash", "-a"],
    ["unicode", "tâche"],
  ])("rejects %s", (_name, id) => {
    expect(isSafeTaskId(id)).toBe(false);
  });
});
