// @vitest-environment happy-dom
import { Intl } from "@/lib/testing/i18n";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { cleanup, render, screen, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { taskQueryOptions } from "@/lib/client/queries";
import { registerModelInfo } from "@/lib/models/catalog";
import type { TaskLineage, TaskView } from "@/lib/tasks/types";
import { FIXTURE_MODEL, fixtureModel } from "@/lib/testing/fixture-model";
import { TaskCard } from "./task-card";
import { TaskDetail } from "./task-detail";

// The screens' links navigate with the App Router (components/ui/app-link.tsx); these tests render no router.
vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn() }) }));

// The task card and the task page show a model from its definition alone: the test-only image-to-video model,
// registered here (zod-free, as in the browser), gets its name, its source image, its settings in its own words.

const NOW = "2026-12-01T10:00:00.000Z";

function task(over: Partial<TaskView> = {}): TaskView {
  return {
    id: "sim-abc-tlnn-12345678",
    model: FIXTURE_MODEL,
    status: "completed",
    progress: 100,
    input: {
      model: FIXTURE_MODEL,
      prompt: "The colours slowly swirl",
      image_url: "https://example.com/still.png",
      duration: "10",
    },
    parentId: null,
    createdAt: NOW,
    updatedAt: NOW,
    completedAt: "2026-12-01T10:00:30.000Z",
    checkedAt: "2026-12-01T10:00:30.000Z",
    warnings: null,
    creditsReserved: null,
    groupId: null,
    take: null,
    favourite: false,
    estimatedSeconds: 30,
    videoUrl: "/api/generations/sim-abc-tlnn-12345678/video",
    downloadUrl: "/api/generations/sim-abc-tlnn-12345678/video?download=1",
    upstreamResultUrl: null,
    storage: "stored",
    resultExpiresAt: null,
    sourceMeta: null,
    error: null,
    ...over,
  };
}

const noLineage: TaskLineage = {
  ancestors: [],
  children: [],
  extensions: 0,
  sourceSeconds: null,
  totalSeconds: null,
};

function withClient(ui: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <Intl>
      <QueryClientProvider client={client}>{ui}</QueryClientProvider>
    </Intl>,
  );
}

function Card({ t }: { t: TaskView }) {
  const query = useQuery(taskQueryOptions(t));
  return <TaskCard task={query.data} query={query} />;
}

beforeAll(() => {
  registerModelInfo(fixtureModel);
});
beforeEach(() => {
  vi.stubGlobal(
    "fetch",
    vi.fn(() => Promise.resolve(new Response(JSON.stringify(noLineage), { status: 200 }))),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("a fourth model on the task screens", () => {
  it("the card names the model and shows the source image, the result and a download", () => {
    const { container } = withClient(<Card t={task()} />);
    const card = screen.getByRole("article", { name: "Test Image to Video: The colours slowly swirl" });
    expect(within(card).getByText("Completed")).toBeTruthy();
    expect(container.querySelector("img")?.getAttribute("src")).toBe("https://example.com/still.png");
    expect(within(card).getByLabelText("Result video")).toBeTruthy();
    expect(within(card).getByRole("link", { name: "Download" })).toBeTruthy();
  });

  it("the page lists its settings in its definition's words, and its image beside the result", () => {
    withClient(<TaskDetail initial={task()} initialLineage={noLineage} />);
    expect(screen.getByRole("heading", { level: 1, name: "Test Image to Video" })).toBeTruthy();
    const settings = screen.getByRole("heading", { name: "Settings" }).parentElement!;
    const rows = [...settings.querySelectorAll("dt")].map((dt) => [
      dt.textContent,
      dt.nextSibling?.textContent,
    ]);
    expect(rows).toEqual([
      ["Model", "Test Image to Video"],
      ["Duration", "10 s"],
      ["Image", "https://example.com/still.png"],
    ]);
    expect(screen.getByAltText("Source image").getAttribute("src")).toBe("https://example.com/still.png");
    expect(screen.getByLabelText("Result video")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Play both/ })).toBeNull();
  });

  it("a Kling task's page still lists its own settings and reference media, in the same order as before", () => {
    const kling = task({
      id: "sim-abc-klnn-12345678",
      model: "kling-o3-video-to-video-edit",
      input: {
        model: "kling-o3-video-to-video-edit",
        prompt: "Make @Video1 dusk with @Image1",
        video_url: "https://example.com/a.mp4",
        resolution: "1080p",
        keep_audio: false,
        image_urls: ["https://example.com/i.png"],
        elements: [
          {
            frontal_image_url: "https://example.com/f.png",
            reference_image_urls: ["https://example.com/r.png"],
          },
        ],
      },
      sourceMeta: { durationSeconds: 5, width: 1280, height: 720 },
    });
    withClient(<TaskDetail initial={kling} initialLineage={noLineage} />);
    const settings = screen.getByRole("heading", { name: "Settings" }).parentElement!;
    const rows = [...settings.querySelectorAll("dt")].map((dt) => [
      dt.textContent,
      dt.nextSibling?.textContent,
    ]);
    expect(rows).toEqual([
      ["Model", "Kling O3 Video Edit"],
      ["Resolution", "1080p"],
      ["Keep original audio", "No"],
      ["@Image1", "https://example.com/i.png"],
      ["@Element1 frontal", "https://example.com/f.png"],
      ["@Element1 reference 1", "https://example.com/r.png"],
      ["Video", "https://example.com/a.mp4"],
      ["Source clip", "5.0 s · 1280×720"],
    ]);
  });

  it("a Veo task's page says its defaults the way it always has", () => {
    const veo = task({
      id: "sim-abc-vlnn-12345678",
      model: "veo-3.1-extend",
      input: {
        model: "veo-3.1-extend",
        prompt: "Keep panning",
        video_url: "https://example.com/a.mp4",
        aspect_ratio: "9:16",
        generate_audio: true,
      },
    });
    withClient(<TaskDetail initial={veo} initialLineage={noLineage} />);
    const settings = screen.getByRole("heading", { name: "Settings" }).parentElement!;
    const rows = [...settings.querySelectorAll("dt")].map((dt) => [
      dt.textContent,
      dt.nextSibling?.textContent,
    ]);
    expect(rows).toEqual([
      ["Model", "Veo 3.1 Extend"],
      ["Aspect ratio", "9:16"],
      ["Generate audio", "Yes"],
      ["Negative prompt", "—"],
      ["Seed", "Random"],
      ["Safety tolerance", "Provider default"],
      ["Auto-fix prompt", "On"],
      ["Video", "https://example.com/a.mp4"],
    ]);
  });
});

describe("a task's warnings", () => {
  it("the card says what the server couldn't check before sending, and nothing when all was checked", () => {
    const message = "Our server couldn't measure this clip before sending it.";
    withClient(<Card t={task({ id: "sim-abc-tlnn-00000001", warnings: { image_url: message } })} />);
    expect(screen.getByText(/Not checked before sending:/).parentElement?.textContent).toContain(message);
    cleanup();
    withClient(<Card t={task({ id: "sim-abc-tlnn-00000002" })} />);
    expect(screen.queryByText(/Not checked before sending/)).toBeNull();
  });
});
