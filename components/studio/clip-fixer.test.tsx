// @vitest-environment happy-dom
import { Intl, words } from "@/lib/testing/i18n";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ModelInfo } from "@/lib/models/definition";
import type { MeasuredVideo } from "@/lib/models/media";
import { klingO3Edit } from "@/lib/models/kling-o3";
import { veoExtend } from "@/lib/models/veo-extend";
import type * as ClientUploads from "@/lib/client/uploads";
import { outputSizeFor, placeFrame, planClipFix, trimProblem } from "./clip-fix-plan";

// The fixer's defaults and choices come from each model's own definition (clipFix); the dialog is the real one,
// loaded on demand as in the studio. Only the browser's measuring and the encoder are replaced.
const measureVideoFile = vi.fn<(file: File) => Promise<MeasuredVideo>>();
vi.mock("@/lib/client/uploads", async (original) => ({
  ...(await original<typeof ClientUploads>()),
  measureVideoFile: (file: File) => measureVideoFile(file),
  fetchUploads: () => Promise.resolve([]),
}));
const fixClip = vi.fn();
vi.mock("./clip-fix-convert", () => ({
  fixClip: (...args: unknown[]) => fixClip(...args) as unknown,
  isCancel: () => false,
  FixUnsupported: class extends Error {},
}));

const { FileDrop } = await import("./file-drop");

const LONG_4X3: MeasuredVideo = { durationSeconds: 14, width: 960, height: 720 };

describe("planClipFix", () => {
  it("keeps Kling's first 10 s and leaves an in-range 4:3 frame alone", () => {
    const plan = planClipFix(LONG_4X3, klingO3Edit.clipFix!, "Kling");
    expect(plan).toMatchObject({ start: 0, end: 10, sizes: [] });
    expect(plan.unfixable).toBeUndefined();
    expect(plan.aspect).toBeUndefined();
    expect(outputSizeFor(LONG_4X3, plan, plan.defaultSize)).toBeNull();
  });

  it("scales a 640×480 clip up for Kling, offering 720p and 1080p", () => {
    const v = { durationSeconds: 5, width: 640, height: 480 };
    const plan = planClipFix(v, klingO3Edit.clipFix!, "Kling");
    expect(plan).toMatchObject({ start: 0, end: 5, sizes: [720, 1080], defaultSize: 720 });
    expect(outputSizeFor(v, plan, 720)).toEqual({ width: 960, height: 720 });
  });

  it("refuses to offer a fix for a clip too short for Kling", () => {
    const plan = planClipFix({ durationSeconds: 2, width: 1280, height: 720 }, klingO3Edit.clipFix!, "Kling");
    expect(words(plan.unfixable ?? "")).toBe(
      "The clip is 2.0 s long and Kling needs at least 3 s: trimming can only shorten a clip. Choose a longer one.",
    );
  });

  it("reframes a 4:3 clip to 16:9 at 720p for Veo and keeps the end", () => {
    const plan = planClipFix(LONG_4X3, veoExtend.clipFix!, "Veo");
    expect(plan).toMatchObject({ start: 0, end: 14, aspect: "16:9", sizes: [720, 1080], defaultSize: 720 });
    expect(outputSizeFor(LONG_4X3, plan, 720)).toEqual({ width: 1280, height: 720 });
    expect(outputSizeFor(LONG_4X3, plan, 1080)).toEqual({ width: 1920, height: 1080 });
    const portrait = planClipFix({ durationSeconds: 5, width: 720, height: 960 }, veoExtend.clipFix!, "Veo");
    expect(portrait.aspect).toBe("9:16");
    expect(outputSizeFor({ durationSeconds: 5, width: 720, height: 960 }, portrait, 720)).toEqual({
      width: 720,
      height: 1280,
    });
  });

  it("keeps the end of a long clip when the model says so", () => {
    const plan = planClipFix(LONG_4X3, { keep: "end", maxSeconds: 8 }, "Model");
    expect([plan.start, plan.end]).toEqual([6, 14]);
  });

  it("checks the trim entered", () => {
    const plan = planClipFix(LONG_4X3, klingO3Edit.clipFix!, "Kling");
    expect(trimProblem(plan, 0, 10, "Kling")).toBeNull();
    expect(words(trimProblem(plan, 0, 12, "Kling") ?? "")).toBe(
      "That keeps 12.0 s; Kling takes at most 10 s.",
    );
    expect(words(trimProblem(plan, 5, 6, "Kling") ?? "")).toBe("That keeps 1.0 s; Kling needs at least 3 s.");
    expect(words(trimProblem(plan, 4, 3, "Kling") ?? "")).toBe("End must be after Start.");
    expect(words(trimProblem(plan, -1, 5, "Kling") ?? "")).toBe("Start cannot be before 0 s.");
    expect(words(trimProblem(plan, 5, 15, "Kling") ?? "")).toBe(
      "End cannot be after the clip's end (14.00 s).",
    );
    expect(words(trimProblem(plan, Number.NaN, 5, "Kling") ?? "")).toBe("Enter Start and End in seconds.");
  });

  it("crops by filling the output and pads by fitting it", () => {
    const src = { width: 960, height: 720 };
    const out = { width: 1280, height: 720 };
    expect(placeFrame(src, out, "crop")).toEqual({ x: 0, y: -120, width: 1280, height: 960 });
    expect(placeFrame(src, out, "pad")).toEqual({ x: 160, y: 0, width: 960, height: 720 });
  });
});

function setup(model: ModelInfo) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <Intl>
      <QueryClientProvider client={client}>
        <FileDrop
          kind="video"
          fieldName="video"
          value=""
          onUrl={vi.fn()}
          videoProblems={model.videoProblems}
          modelLabel={model.label}
          clipFix={model.clipFix}
          modelName={model.probe?.name}
        >
          <span>field</span>
        </FileDrop>
      </QueryClientProvider>
    </Intl>,
  );
}

async function chooseClip() {
  fireEvent.change(screen.getByLabelText("Video file"), {
    target: { files: [new File([new Uint8Array(8)], "clip.mp4", { type: "video/mp4" })] },
  });
  await screen.findByRole("alert");
}

describe("Fix it for me", () => {
  afterEach(() => {
    cleanup();
    vi.clearAllMocks();
  });

  it("opens Fix the clip for Kling with the first 10 s and no framing or size", async () => {
    measureVideoFile.mockResolvedValue(LONG_4X3);
    setup(klingO3Edit);
    await chooseClip();
    fireEvent.click(await screen.findByRole("button", { name: "Fix it for me" }));
    const dialog = await screen.findByRole("dialog", { name: "Fix the clip" });
    expect(within(dialog).getByLabelText<HTMLInputElement>("Start").value).toBe("0");
    expect(within(dialog).getByLabelText<HTMLInputElement>("End").value).toBe("10");
    expect(within(dialog).queryByRole("radiogroup")).toBeNull();
    expect(within(dialog).getByRole("button", { name: "Fix and upload" })).toHaveProperty("disabled", false);

    // A trim Kling would refuse disables the button, with the reason.
    fireEvent.change(within(dialog).getByLabelText("End"), { target: { value: "12" } });
    expect(dialog.textContent).toContain("That keeps 12.0 s; Kling takes at most 10 s.");
    expect(within(dialog).getByRole("button", { name: "Fix and upload" })).toHaveProperty("disabled", true);

    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(fixClip).not.toHaveBeenCalled();
  });

  it("opens Fix the clip for Veo with Crop to 16:9 at 720p", async () => {
    measureVideoFile.mockResolvedValue(LONG_4X3);
    setup(veoExtend);
    await chooseClip();
    fireEvent.click(await screen.findByRole("button", { name: "Fix it for me" }));
    const dialog = await screen.findByRole("dialog", { name: "Fix the clip" });
    expect(within(dialog).getByLabelText<HTMLInputElement>("End").value).toBe("14");
    const framing = within(dialog).getByRole("radiogroup", { name: "Framing (to 16:9)" });
    expect(within(framing).getByLabelText<HTMLInputElement>("Crop").checked).toBe(true);
    const size = within(dialog).getByRole("radiogroup", { name: "Output size" });
    expect(within(size).getByLabelText<HTMLInputElement>("720p").checked).toBe(true);
    expect(dialog.textContent).toContain("The result is 1280×720, 14.00 s");
  });

  it("says why a clip too short for Kling cannot be fixed", async () => {
    measureVideoFile.mockResolvedValue({ durationSeconds: 2, width: 1280, height: 720 });
    setup(klingO3Edit);
    await chooseClip();
    const button = await screen.findByRole("button", { name: "Fix it for me" });
    expect(button).toHaveProperty("disabled", true);
    expect(document.getElementById(button.getAttribute("aria-describedby")!)?.textContent).toContain(
      "trimming can only shorten a clip",
    );
  });
});
