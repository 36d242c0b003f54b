import { type InfiniteData, QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { TaskPage, TaskView } from "../tasks/types";
import { taskKeys } from "./api";
import { applyTaskChange, rememberTask } from "./live";
import { taskQueryOptions } from "./queries";

function view(id: string, overrides: Partial<TaskView> = {}): TaskView {
  return {
    id,
    model: "veo-3.1-extend",
    status: "processing",
    progress: 10,
    input: {
      model: "veo-3.1-extend",
      prompt: "p",
      video_url: "https://example.com/a.mp4",
    } as TaskView["input"],
    parentId: null,
    createdAt: "2031-05-06T12:00:00.000Z",
    updatedAt: "2031-05-06T12:00:01.000Z",
    completedAt: null,
    checkedAt: null,
    estimatedSeconds: null,
    videoUrl: null,
    downloadUrl: null,
    upstreamResultUrl: null,
    storage: null,
    resultExpiresAt: null,
    sourceMeta: null,
    warnings: null,
    creditsReserved: null,
    groupId: null,
    take: null,
    favourite: false,
    error: null,
    ...overrides,
  };
}

describe("live events in the query cache", () => {
  it("a change replaces the task's own state and its entry in every loaded list; an older one is ignored", () => {
    const client = new QueryClient();
    const a = view("a");
    const b = view("b");
    client.setQueryData(taskKeys.detail("a"), a);
    const page = (tasks: TaskView[]): InfiniteData<TaskPage> => ({
      pages: [{ tasks, nextCursor: null }],
      pageParams: [null],
    });
    client.setQueryData(taskKeys.list(), page([a, b]));
    client.setQueryData(taskKeys.list({ model: "veo-3.1-extend" }), page([a]));

    const done = view("a", { status: "completed", progress: 100, updatedAt: "2031-05-06T12:00:09.000Z" });
    applyTaskChange(client, done);
    expect(client.getQueryData(taskKeys.detail("a"))).toEqual(done);
    expect(client.getQueryData<InfiniteData<TaskPage>>(taskKeys.list())!.pages[0]!.tasks).toEqual([done, b]);
    expect(
      client.getQueryData<InfiniteData<TaskPage>>(taskKeys.list({ model: "veo-3.1-extend" }))!.pages[0]!
        .tasks,
    ).toEqual([done]);

    applyTaskChange(client, view("a", { progress: 50 }));
    expect(client.getQueryData<TaskView>(taskKeys.detail("a"))!.status).toBe("completed");
  });

  it("a submit's answer that arrives after the stream said the task finished does not put it back", () => {
    const client = new QueryClient();
    const done = view("a", { status: "completed", progress: 100, updatedAt: "2031-05-06T12:00:02.000Z" });
    applyTaskChange(client, done); // the stream, first
    const answer = view("a", { status: "pending", progress: 0, updatedAt: "2031-05-06T12:00:00.500Z" });
    expect(rememberTask(client, answer)).toEqual(done); // the POST's answer, late
    expect(client.getQueryData(taskKeys.detail("a"))).toEqual(done);

    // A newer state (a list page read after it) does move the task's own query forward.
    const later = view("a", { status: "completed", progress: 100, updatedAt: "2031-05-06T12:00:05.000Z" });
    expect(rememberTask(client, later)).toBe(later);
    expect(client.getQueryData(taskKeys.detail("a"))).toEqual(later);
  });

  it("while the stream connects or is live a task query never polls; when it falls back, it polls as before", () => {
    const client = new QueryClient();
    const task = view("a");
    const interval = (mode: "connecting" | "live" | "polling") => {
      const observer = new QueryObserver(client, taskQueryOptions(task, mode));
      const options = observer.options;
      const query = client.getQueryCache().build(client, options);
      const every = options.refetchInterval as (q: typeof query) => number | false;
      const stale = options.staleTime as (q: typeof query) => number;
      return [every(query), stale(query)];
    };
    expect(interval("live")).toEqual([false, Infinity]);
    expect(interval("connecting")).toEqual([false, Infinity]);
    expect(interval("polling")).toEqual([2_000, 0]);
  });
});
