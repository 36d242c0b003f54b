import { describe, expect, it } from "vitest";
import { createFoxClient } from "../foxapi/client";
import { createSimulatorFetch, SIMULATOR_BASE_URL } from "../simulator";
import { createTaskService } from "./service";
import { TaskStore } from "./store";

describe("task service over the simulator", () => {
  it("submits, then follows a task to completion", async () => {
    let clock = 1_700_000_000_000;
    const now = () => clock;
    const client = createFoxClient({
      baseUrl: SIMULATOR_BASE_URL,
      apiKey: "simulator",
      fetch: createSimulatorFetch({ durationMs: 10_000, linkTtlSeconds: 60, now }),
      allowRootRelativeUrls: true,
    });
    const service = createTaskService({ store: new TaskStore(":memory:"), client, minIntervalMs: 1000, now });
    const { task } = await service.submit({
      model: "veo-3.1-extend",
      prompt: "The camera keeps panning",
      video_url: "https://example.com/a.mp4",
    });
    expect(task.status).toBe("pending");
    clock += 5_000;
    expect((await service.refresh(task.id)).status).toBe("processing");
    clock += 6_000;
    const done = await service.refresh(task.id);
    expect(done.status).toBe("completed");
    expect(done.videoUrl).toBe(`/api/generations/${task.id}/video`);
    expect(done.upstreamResultUrl).toMatch(/^\/api\/simulator\/files\/result-16x9\.mp4\?task=/);
    expect((await service.list({})).tasks.map((t) => t.id)).toEqual([task.id]);
  });
});
