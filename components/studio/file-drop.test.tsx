// @vitest-environment happy-dom
import { Intl } from "@/lib/testing/i18n";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MeasuredVideo } from "@/lib/models/media";
import type { UploadView } from "@/lib/uploads/types";
import type * as ClientUploads from "@/lib/client/uploads";

// The browser-only parts (measuring a clip, XMLHttpRequest) are replaced; everything the field decides is real.
const measureVideoFile = vi.fn<(file: File) => Promise<MeasuredVideo>>();
const sendUpload = vi.fn();
vi.mock("@/lib/client/uploads", async (original) => ({
  ...(await original<typeof ClientUploads>()),
  measureVideoFile: (file: File) => measureVideoFile(file),
  sendUpload: (...args: unknown[]) => sendUpload(...args) as unknown,
  fetchUploads: () => Promise.resolve([]),
}));

const { FileDrop } = await import("./file-drop");

const SHORT_CLIP: MeasuredVideo = { durationSeconds: 2, width: 1280, height: 720 };
const tooShort = (v: MeasuredVideo) =>
  v.durationSeconds < 3 ? ["The clip is 2.0 s long; Edit needs 3–10 s."] : [];
const anyLength = () => [];

function view(url: string): UploadView {
  return {
    id: "up-1",
    url,
    filename: "clip.mp4",
    contentType: "video/mp4",
    kind: "video",
    size: 4,
    createdAt: Date.now(),
    expiresAt: Date.now() + 72 * 3600_000,
    fingerprint: null,
    meta: SHORT_CLIP,
  } as UploadView;
}

function setup(props: { modelLabel: string; videoProblems: (v: MeasuredVideo) => string[] }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const onUrl = vi.fn();
  const ui = (p: typeof props): ReactNode => (
    <Intl>
      <QueryClientProvider client={client}>
        <FileDrop kind="video" fieldName="video" value="" onUrl={onUrl} {...p}>
          <span>field</span>
        </FileDrop>
      </QueryClientProvider>
    </Intl>
  );
  const utils = render(ui(props));
  return { onUrl, rerender: (p: typeof props) => utils.rerender(ui(p)) };
}

const clip = () => new File([new Uint8Array([0, 0, 0, 24])], "clip.mp4", { type: "video/mp4" });

describe("FileDrop", () => {
  beforeEach(() => {
    measureVideoFile.mockResolvedValue(SHORT_CLIP);
    sendUpload.mockImplementation(() => ({
      promise: Promise.resolve(view("https://files.example/clip.mp4")),
      cancel: () => {},
    }));
  });
  afterEach(() => {
    cleanup();
    vi.clearAllMocks();
  });

  it("refuses a clip that breaks the chosen model's rules, and sends nothing", async () => {
    setup({ modelLabel: "Edit model", videoProblems: tooShort });
    fireEvent.change(screen.getByLabelText("Video file"), { target: { files: [clip()] } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Not uploaded: clip.mp4");
    expect(alert.textContent).toContain("Edit needs 3–10 s");
    expect(sendUpload).not.toHaveBeenCalled();
    // Same model still chosen: nothing else to offer.
    expect(screen.queryByRole("button", { name: /Check it for/ })).toBeNull();
  });

  it("offers to check a refused clip for the model chosen since, and uploads it when that model takes it", async () => {
    const { onUrl, rerender } = setup({ modelLabel: "Edit model", videoProblems: tooShort });
    fireEvent.change(screen.getByLabelText("Video file"), { target: { files: [clip()] } });
    await screen.findByRole("alert");

    rerender({ modelLabel: "Extend model", videoProblems: anyLength });
    const again = screen.getByRole("button", { name: "Check it for Extend model instead" });
    await act(async () => {
      fireEvent.click(again);
      await Promise.resolve();
    });
    await waitFor(() => expect(onUrl).toHaveBeenCalledWith("https://files.example/clip.mp4"));
    expect(measureVideoFile).toHaveBeenCalledTimes(2);
    expect(sendUpload).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("offers an upload anyway only when the browser could not read the clip", async () => {
    measureVideoFile.mockRejectedValueOnce(new Error("decode"));
    setup({ modelLabel: "Edit model", videoProblems: tooShort });
    fireEvent.change(screen.getByLabelText("Video file"), { target: { files: [clip()] } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("could not open the clip");
    expect(screen.getByRole("button", { name: "Upload it anyway" })).toBeTruthy();
  });

  it("refuses a file of the wrong type before measuring it", async () => {
    setup({ modelLabel: "Edit model", videoProblems: tooShort });
    const notes = new File(["hi"], "notes.txt", { type: "text/plain" });
    fireEvent.change(screen.getByLabelText("Video file"), { target: { files: [notes] } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("is not a video Retake can send");
    expect(measureVideoFile).not.toHaveBeenCalled();
  });
});
