import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type * as ClientModule from "@/lib/foxapi/client";
import { TASK_STATUSES, normalizeTask } from "@/lib/foxapi/normalize";
import { getTaskService } from "@/lib/tasks";
import { params, read, request, sessionCookie, setupApp } from "@/lib/testing/app-harness";
import { SUBMIT_PATH, TASK_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as collection from "./route";
import * as item from "./[id]/route";

// Status reads of a body with no id are retried (three reads); short backoff keeps 200 runs fast. Everything else
// is the production client.
vi.mock("@/lib/foxapi/client", async (importOriginal) => {
  const real = await importOriginal<typeof ClientModule>();
  return {
    ...real,
    createFoxClient: (options: ClientModule.FoxClientOptions) =>
      real.createFoxClient({ ...options, retry: { baseDelayMs: 2, maxDelayMs: 5 } }),
  };
});

const app = setupApp();
const RUNS = 200;

/** The fields FoxAPI documents for each model (shared/foxapi-contract.md §1a, §1b). */
const VEO_FIELDS = [
  "model",
  "prompt",
  "video_url",
  "aspect_ratio",
  "generate_audio",
  "auto_fix",
  "safety_tolerance",
  "negative_prompt",
  "seed",
];
const DOCUMENTED: Record<string, string[]> = {
  "kling-o3-video-to-video-edit": [
    "model",
    "prompt",
    "video_url",
    "resolution",
    "keep_audio",
    "image_urls",
    "elements",
  ],
  "veo-3.1-extend": VEO_FIELDS,
  "veo-3.1-extend-fast": VEO_FIELDS,
};
const ELEMENT_FIELDS = ["frontal_image_url", "reference_image_urls"];
const MODELS = Object.keys(DOCUMENTED);

const json = () => fc.jsonValue({ maxDepth: 3 });
/** Mostly good values, sometimes anything at all. */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 15 }, { arbitrary: json(), weight: 1 });

describe("property: arbitrary JSON bodies for POST /api/generations", () => {
  it("never a 500, and whatever reaches FoxAPI has only documented fields", async () => {
    app.configure({ ACCESS_PASSCODE: "property-passcode" });
    let n = 0;
    app.fake.on("POST", SUBMIT_PATH, () => ({ json: foxTask({ id: `task-prop-${String(++n)}` }) }));
    const link = (good: string[]) =>
      fc.oneof(
        { arbitrary: fc.constantFrom(...good), weight: 30 },
        {
          arbitrary: fc.constantFrom(
            "http://10.0.0.1/x.mp4",
            "http://[::ffff:169.254.169.254]/x",
            "ftp://example.com/x.mp4",
            "javascript:alert(1)",
            "not a url",
            "",
            "https://nothing.invalid/x.mp4",
          ),
          weight: 2,
        },
        { arbitrary: json(), weight: 1 },
      );
    const video = link([`${app.media.url}/a.mp4`, `${app.media.url}/b.mov`]);
    const url = link([`${app.media.url}/c.jpg`, `${app.media.url}/d.png`]);
    const element = fc.record(
      {
        frontal_image_url: url,
        reference_image_urls: mostly(fc.array(url, { maxLength: 4 })),
        extra: json(),
      },
      { requiredKeys: ["frontal_image_url"] },
    );
    const known = fc.record(
      {
        model: fc.oneof(
          { arbitrary: fc.constantFrom(...MODELS), weight: 8 },
          { arbitrary: json(), weight: 1 },
        ),
        prompt: mostly(fc.string({ minLength: 1, maxLength: 60 })),
        video_url: video,
        resolution: mostly(fc.constantFrom("720p", "1080p")),
        keep_audio: mostly(fc.boolean()),
        image_urls: mostly(fc.oneof(fc.array(url, { maxLength: 3 }), fc.constant(null))),
        elements: mostly(fc.oneof(fc.array(element, { maxLength: 2 }), fc.constant(null))),
        aspect_ratio: mostly(fc.constantFrom("16:9", "9:16")),
        generate_audio: mostly(fc.boolean()),
        auto_fix: mostly(fc.constantFrom(true, false, null, "")),
        safety_tolerance: mostly(fc.integer({ min: 1, max: 6 })),
        negative_prompt: mostly(fc.string({ maxLength: 20 })),
        seed: mostly(fc.nat()),
        parent_task_id: json(),
        source_meta: json(),
      },
      { requiredKeys: ["model", "prompt", "video_url"] },
    );
    const extraKey = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom("callback_url", "video", "duration", "__proto__", "constructor", "webhook", "n"),
    );
    const body = fc.oneof(
      { arbitrary: fc.tuple(known, fc.dictionary(extraKey, json(), { maxKeys: 3 })), weight: 6 },
      { arbitrary: json().map((v) => [v, {}] as const), weight: 1 },
    );

    let reached = 0;
    await fc.assert(
      fc.asyncProperty(body, async ([fields, extra]) => {
        const payload =
          fields && typeof fields === "object" && !Array.isArray(fields) ? { ...extra, ...fields } : fields;
        const before = app.fake.requests.length;
        // A fresh session each run, so the per-session submit rate limit never hides a result.
        const res = await collection
          .POST(request("/api/generations", { body: JSON.stringify(payload), cookie: await sessionCookie() }))
          .then(read);
        expect(res.status).not.toBe(500);
        expect([201, 413, 422]).toContain(res.status);
        const sent = app.fake.requests.slice(before);
        expect(sent).toHaveLength(res.status === 201 ? 1 : 0);
        for (const r of sent) {
          reached++;
          const upstream = JSON.parse(r.body) as Record<string, unknown>;
          const model = upstream.model as string;
          expect(MODELS).toContain(model);
          for (const key of Object.keys(upstream)) expect(DOCUMENTED[model]).toContain(key);
          for (const e of (upstream.elements as Record<string, unknown>[] | undefined) ?? [])
            for (const key of Object.keys(e)) expect(ELEMENT_FIELDS).toContain(key);
          // No link the media check refused ever reaches FoxAPI.
          expect(r.body).not.toMatch(/10\.0\.0\.1|169\.254|ftp:|javascript:/);
        }
      }),
      { numRuns: RUNS },
    );
    // The generator is useful only if a fair share of bodies is valid enough to be sent.
    expect(reached).toBeGreaterThan(RUNS / 5);
  });
});

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The id the contract says a body has: `id` or `task_id`, at the top or under `data` (when there is no top `id`). */
function documentedId(raw: unknown): string | null {
  if (!isObject(raw)) return null;
  const data = isObject(raw.data) && raw.id === undefined ? raw.data : raw;
  for (const v of [data.id, data.task_id]) if (typeof v === "string" && v.trim() !== "") return v.trim();
  return null;
}

/** Upstream task bodies: every documented shape, with every field sometimes anything at all. */
function taskBodies(mediaUrl: string, id: string) {
  const urlish = fc.oneof(
    fc.constantFrom(
      `${mediaUrl}/out.mp4`,
      "javascript:alert(1)",
      "data:video/mp4;base64,AAAA",
      "/relative/out.mp4",
      "//evil.example/out.mp4",
      "https://cdn.invalid/out.mp4",
      "",
    ),
    json(),
  );
  const task = fc.record(
    {
      id: fc.oneof({ arbitrary: fc.constant(id), weight: 6 }, { arbitrary: json(), weight: 1 }),
      task_id: json(),
      object: json(),
      model: json(),
      status: fc.oneof(
        fc.constantFrom(
          "pending",
          "processing",
          "completed",
          "failed",
          "cancelled",
          "queued",
          "succeeded",
          " COMPLETED ",
          "exploded",
          "",
        ),
        json(),
      ),
      progress: fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 5 }), json()),
      created: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 25 }), json()),
      results: fc.oneof(
        fc.array(fc.oneof(urlish, fc.record({ url: urlish }, { requiredKeys: [] })), { maxLength: 3 }),
        json(),
      ),
      output: fc.oneof(
        fc.record(
          { url: urlish, urls: fc.array(urlish, { maxLength: 2 }), duration: json() },
          { requiredKeys: [] },
        ),
        json(),
      ),
      error: fc.oneof(
        fc.record({ code: json(), message: json(), type: json() }, { requiredKeys: [] }),
        fc.string({ maxLength: 20 }),
        json(),
      ),
      fail_reason: json(),
      task_info: fc.oneof(
        fc.record({ estimated_time: json(), can_cancel: json() }, { requiredKeys: [] }),
        json(),
      ),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { arbitrary: task, weight: 6 },
    { arbitrary: task.map((t) => ({ data: t })), weight: 1 },
    { arbitrary: json(), weight: 1 },
  );
}

describe("property: arbitrary upstream task bodies", () => {
  it("normalizeTask throws only for bodies with no id, and otherwise returns a sane task", () => {
    fc.assert(
      fc.property(taskBodies("http://127.0.0.1:9", "task-unit"), (raw) => {
        const id = documentedId(raw);
        if (id === null) {
          expect(() => normalizeTask(raw)).toThrow(TypeError);
          return;
        }
        const t = normalizeTask(raw);
        expect(t.id).toBe(id);
        expect(TASK_STATUSES).toContain(t.status);
        expect(Number.isInteger(t.progress) && t.progress >= 0 && t.progress <= 100).toBe(true);
        if (t.resultUrl !== null) expect(new URL(t.resultUrl).protocol).toMatch(/^https?:$/);
        if (t.status === "completed") expect(t.progress).toBe(100);
        if (t.status === "failed") expect(t.error).not.toBeNull();
        if (t.error)
          expect(typeof t.error.code === "string" && typeof t.error.message === "string").toBe(true);
        // Absurd timestamps may overflow to ±Infinity (stored only, never shown), but never become NaN.
        if (t.createdAt !== null) expect(Number.isNaN(t.createdAt)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it("through GET /api/generations/{id}: never a 500; a body with no id is a 502, anything else a sane 200", async () => {
    let n = 0;
    const seen = { ok: 0, noId: 0 };
    app.fake.on("POST", SUBMIT_PATH, () => ({ json: foxTask({ id: `task-body-${String(++n)}` }) }));
    await fc.assert(
      fc.asyncProperty(
        // Bodies name some other id as often as not: the task we asked about is the one updated.
        taskBodies(app.media.url, "task-named-by-upstream"),
        async (body) => {
          const { task } = await getTaskService().submit({
            model: "veo-3.1-extend",
            prompt: "p",
            video_url: `${app.media.url}/in.mp4`,
          });
          app.fake.on("GET", TASK_PATH, { json: body });
          const before = app.fake.requestsTo("GET", TASK_PATH).length;
          const res = await item
            .GET(request(`/api/generations/${task.id}`), params("id", task.id))
            .then(read);
          const reads = app.fake.requestsTo("GET", TASK_PATH).length - before;
          expect(res.status).not.toBe(500);
          if (documentedId(body) === null) {
            seen.noId++;
            expect(res.status).toBe(502);
            expect(res.json.error.code).toBe("upstream_bad_response");
            expect(reads).toBe(3);
            return;
          }
          seen.ok++;
          expect(res.status).toBe(200);
          expect(reads === 1 || reads === 2).toBe(true);
          const view = res.json as {
            id: string;
            status: string;
            progress: number;
            videoUrl: string | null;
            upstreamResultUrl: string | null;
            error: { code: string; message: string } | null;
          };
          expect(view.id).toBe(task.id);
          expect(TASK_STATUSES).toContain(view.status);
          expect(Number.isInteger(view.progress) && view.progress >= 0 && view.progress <= 100).toBe(true);
          if (view.videoUrl !== null) expect(view.videoUrl).toBe(`/api/generations/${task.id}/video`);
          if (view.upstreamResultUrl !== null) expect(view.upstreamResultUrl).toMatch(/^https?:\/\//);
          if (view.status === "failed") expect(typeof view.error?.message).toBe("string");
        },
      ),
      { numRuns: RUNS },
    );
    expect(seen.ok).toBeGreaterThan(RUNS / 2);
    expect(seen.noId).toBeGreaterThan(0);
  });
});
