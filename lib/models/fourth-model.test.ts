import { beforeAll, describe, expect, it } from "vitest";
import * as collection from "@/app/api/generations/route";
import * as item from "@/app/api/generations/[id]/route";
import * as lineageRoute from "@/app/api/generations/[id]/lineage/route";
import { createSimulatorFetch } from "../simulator";
import { draftFor } from "../tasks/drafts";
import type { TaskView } from "../tasks/types";
import { params, read, request, setupApp } from "../testing/app-harness";
import { SUBMIT_PATH, foxTask } from "../testing/fake-foxapi";
import { FIXTURE_MODEL, fixtureModel } from "../testing/fixture-model";
import { fixtureModelSchema } from "../testing/fixture-model.schema";
import { words } from "../testing/i18n";
import {
  MODEL_IDS,
  fieldErrors,
  generationRequestSchema,
  modelInfo,
  registerModel,
  registerModelInfo,
  toUpstreamBody,
} from ".";

// The proof that a model is only its definition: the test-only image-to-video model, registered here and named
// by no file outside lib/models and lib/testing, goes through validation, the route, the media check, the
// simulator, lineage and drafts. (The form, the task card and the task page: components/**/fourth-model.test.tsx.)

const app = setupApp({ quietErrors: true });

beforeAll(() => {
  registerModel(fixtureModel, fixtureModelSchema);
});

const body = (over: Record<string, unknown> = {}) => ({
  model: FIXTURE_MODEL,
  prompt: "The colours slowly swirl",
  image_url: `${app.media.url}/still.png`,
  duration: "10",
  ...over,
});

const post = (b: unknown) =>
  collection
    .POST(request("/api/generations", { body: b, headers: { "Content-Type": "application/json" } }))
    .then(read);

describe("a fourth model, registered from a test", () => {
  it("joins the registry after the built-in models, and registering it twice is harmless", () => {
    expect(MODEL_IDS.at(-1)).toBe(FIXTURE_MODEL);
    expect(() => registerModel(fixtureModel, fixtureModelSchema)).not.toThrow();
    expect(MODEL_IDS.filter((id) => id === FIXTURE_MODEL)).toHaveLength(1);
    expect(() => registerModel({ ...fixtureModel }, fixtureModelSchema)).toThrow(/already registered/);
    expect(() => registerModel({ ...fixtureModel, id: "another-model" }, fixtureModelSchema)).toThrow(
      /accepts model "retake-test-image-to-video"/,
    );
  });

  it("refuses a second model with a taken simulator code, and shows an unregistered one by its id", () => {
    const clash = { ...fixtureModel, id: "clash", simulator: { ...fixtureModel.simulator, code: "k" } };
    expect(() => registerModelInfo(clash)).toThrow(/simulator code "k" of kling-o3-video-to-video-edit/);
    expect(MODEL_IDS).not.toContain("clash");
    const gone = modelInfo("a-model-since-removed");
    expect(gone.label).toBe("a-model-since-removed");
    expect(gone.settings).toEqual([]);
  });

  it("is validated by its own schema, with the others' errors unchanged", () => {
    const bad = generationRequestSchema.safeParse(body({ image_url: "ftp://x/y.png", duration: "7" }));
    expect(bad.success).toBe(false);
    const english = (e: Parameters<typeof fieldErrors>[0]) =>
      Object.fromEntries(Object.entries(fieldErrors(e)).map(([k, v]) => [k, words(v)]));
    expect(english(bad.error!)).toEqual({
      image_url: "The image URL must start with http:// or https://.",
      duration: "Choose 5 or 10 seconds.",
    });
    const unknown = generationRequestSchema.safeParse({ model: "nope", prompt: "x" });
    expect(english(unknown.error!).model).toBe(
      `Choose a model: kling-o3-video-to-video-edit, veo-3.1-extend, veo-3.1-extend-fast, ${FIXTURE_MODEL}.`,
    );
  });

  it("goes through the route: checked media, the exact upstream body, the task and its lineage", async () => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask({ id: "task-fourth-1-abc", model: FIXTURE_MODEL }) });
    const res = await post(body());
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: "task-fourth-1-abc", model: FIXTURE_MODEL, status: "pending" });
    expect(res.json.input).toEqual({
      model: FIXTURE_MODEL,
      prompt: "The colours slowly swirl",
      image_url: `${app.media.url}/still.png`,
      duration: "10",
    });
    expect(app.fake.requests.map((r) => r.body)).toEqual([
      JSON.stringify({
        model: FIXTURE_MODEL,
        prompt: "The colours slowly swirl",
        image_url: `${app.media.url}/still.png`,
        duration: 10,
      }),
    ]);
    // The media check looked at the image its definition names, before anything was spent.
    expect(app.media.requests.map((r) => r.url)).toContain("/still.png");

    const got = await item
      .GET(request("/api/generations/task-fourth-1-abc"), params("id", "task-fourth-1-abc"))
      .then(read);
    expect(got.json.model).toBe(FIXTURE_MODEL);
    const lineage = await lineageRoute
      .GET(request("/api/generations/task-fourth-1-abc/lineage"), params("id", "task-fourth-1-abc"))
      .then(read);
    expect(lineage.json).toMatchObject({ extensions: 0, ancestors: [], children: [] });
  });

  it("refuses a request its schema refuses, with the field's words and no upstream call", async () => {
    const res = await post(body({ image_url: undefined }));
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json)).toContain("Enter the image URL.");
    expect(app.fake.requests).toHaveLength(0);
  });

  it("refuses an image link that serves a video, on its own field", async () => {
    const res = await post(body({ image_url: `${app.media.url}/still.mp4` }));
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json)).toContain("not an image");
    expect(app.fake.requests).toHaveLength(0);
  });

  it("runs in the simulator: its own code in the task id, its model in every status", async () => {
    let now = 1_800_000_000_000;
    const sim = createSimulatorFetch({
      durationMs: 1000,
      linkTtlSeconds: 60,
      now: () => now,
      random: () => 0.5,
    });
    const headers = { Authorization: "Bearer sim", "Content-Type": "application/json" };
    // The simulator receives what FoxAPI would: the upstream body, with the duration as a number.
    const upstreamBody = toUpstreamBody(
      generationRequestSchema.parse(body({ image_url: "https://example.com/still.png" })),
    );
    expect(upstreamBody.duration).toBe(10);
    const created = await sim("http://sim/v1/videos/generations", {
      method: "POST",
      headers,
      body: JSON.stringify(upstreamBody),
    });
    expect(created.status).toBe(200);
    const task = (await created.json()) as { id: string; model: string; status: string };
    expect(task.id).toMatch(/^sim-[0-9a-z]+-tlnn-/);
    expect(task).toMatchObject({ model: FIXTURE_MODEL, status: "pending" });
    now += 2000;
    const done = await sim(`http://sim/v1/tasks/${task.id}`, { headers });
    expect(await done.json()).toMatchObject({ model: FIXTURE_MODEL, status: "completed", progress: 100 });
    const refused = await sim("http://sim/v1/videos/generations", {
      method: "POST",
      headers,
      body: JSON.stringify(body({ duration: "3" })),
    });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: { message: "duration: Choose 5 or 10 seconds." } });
  });

  it("maps to its upstream body and offers itself for no follow-up it didn't declare", () => {
    const parsed = generationRequestSchema.parse(body({ duration: undefined }));
    expect(JSON.stringify(toUpstreamBody(parsed))).toBe(
      JSON.stringify({
        model: FIXTURE_MODEL,
        prompt: "The colours slowly swirl",
        image_url: `${app.media.url}/still.png`,
        duration: 5,
      }),
    );
    expect(modelInfo(FIXTURE_MODEL).addsSeconds).toBe(0);
    const task = {
      id: "t1",
      input: parsed,
      videoUrl: "/v.mp4",
      upstreamResultUrl: null,
    } as unknown as TaskView;
    // "Extend this" and "Edit this" still go to the models that declared them.
    expect(draftFor(task, "extend", "http://h", true)?.input.model).toBe("veo-3.1-extend");
    expect(draftFor(task, "edit", "http://h", true)?.input.model).toBe("kling-o3-video-to-video-edit");
    expect(draftFor(task, "reuse", "http://h", true)?.input).toEqual(parsed);
  });

  it("every registered model's upstream body passes its own schema, as the simulator needs", () => {
    for (const id of MODEL_IDS) {
      const info = modelInfo(id);
      const parsed = generationRequestSchema.parse({ model: id, ...info.sample("https://example.com") });
      const upstream = toUpstreamBody(parsed);
      expect(generationRequestSchema.safeParse(upstream).success, id).toBe(true);
    }
  });
});
