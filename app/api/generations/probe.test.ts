import { describe, expect, it } from "vitest";
import { type FixtureName, fixture, serveRanges, serveWhole } from "@/lib/media/fixture-host";
import {
  type App,
  type RequestOptions,
  klingBody,
  params,
  read,
  request,
  setupApp,
  veoBody,
} from "@/lib/testing/app-harness";
import { SUBMIT_PATH, foxTask } from "@/lib/testing/fake-foxapi";
import * as collection from "./route";
import * as item from "./[id]/route";

// Through the route and the app's own wiring (lib/tasks/index.ts): every video link is probed before the upstream
// call, a clip that breaks a rule FoxAPI's pages state is refused with the measured figure and costs nothing, and
// a host we can't probe lets the submit through with a warning.

const app: App = setupApp();
const submits = () => app.fake.requestsTo("POST", SUBMIT_PATH);
const post = (body: unknown, options: RequestOptions = {}) =>
  collection.POST(request("/api/generations", { body, ...options })).then(read);

function serve(name: FixtureName) {
  app.media.on(`/${name}`, serveRanges(fixture(name)));
  return `${app.media.url}/${name}`;
}

describe("POST /api/generations probes the clip before spending", () => {
  it.each<[string, (url: string) => Record<string, unknown>, FixtureName, RegExp]>([
    [
      "Kling",
      (url) => klingBody(app, { video_url: url }),
      "long-12s.mp4",
      /12\.0 s long; Kling takes at most 10 s/,
    ],
    ["Kling", (url) => klingBody(app, { video_url: url }), "short-2s.mp4", /2\.0 s long; Kling needs 3–10 s/],
    ["Kling", (url) => klingBody(app, { video_url: url }), "small-640x480.mp4", /width is 640 px/],
    ["Veo", (url) => veoBody(app, { video_url: url }), "four-three-1440x1080.mp4", /1440×1080 \(4:3\)/],
    ["Veo", (url) => veoBody(app, { video_url: url }), "small-640x480.mp4", /640×480/],
  ])("%s with %s → 422 naming the figure, zero upstream calls", async (_model, body, name, message) => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post(body(serve(name)));
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("invalid_media");
    expect(res.json.error.fields.video_url).toMatch(message);
    expect(submits()).toHaveLength(0);
  });

  it.each<[string, (url: string) => Record<string, unknown>, FixtureName]>([
    ["Kling", (url) => klingBody(app, { video_url: url }), "moov-at-end.mp4"],
    ["Kling", (url) => klingBody(app, { video_url: url }), "quicktime.mov"],
    ["Veo", (url) => veoBody(app, { video_url: url }), "rotated-phone.mp4"],
    ["Veo", (url) => veoBody(app, { video_url: url }), "fit-1280x720.mp4"],
  ])("%s with %s goes through, once", async (_model, body, name) => {
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post(body(serve(name)));
    expect(res.status).toBe(201);
    expect(res.json.warnings.video_url ?? "").not.toMatch(/couldn't measure/);
    expect(submits()).toHaveLength(1);
  });

  it("a host without Range support → accepted, with a warning on the video", async () => {
    app.media.on("/whole.mp4", serveWhole(fixture("long-12s.mp4")));
    app.fake.on("POST", SUBMIT_PATH, { json: foxTask() });
    const res = await post(veoBody(app, { video_url: `${app.media.url}/whole.mp4` }));
    expect(res.status).toBe(201);
    expect(res.json.warnings.video_url).toMatch(/couldn't measure this clip/);
    expect(submits()).toHaveLength(1);
    // Recorded on the task, so its card says so after a reload and to everyone else.
    const id = (res.json as { id: string }).id;
    const task = await item.GET(request(`/api/generations/${id}`), params("id", id)).then(read);
    expect(task.json.warnings.video_url).toMatch(/couldn't measure this clip/);
  });
});
