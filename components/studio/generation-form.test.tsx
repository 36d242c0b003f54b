// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { registerModel } from "@/lib/models";
import { FIXTURE_MODEL, fixtureModel } from "@/lib/testing/fixture-model";
import { fixtureModelSchema } from "@/lib/testing/fixture-model.schema";
import { Intl } from "@/lib/testing/i18n";
import { GenerationForm } from "./generation-form";

// The studio form's logic, in a DOM: fields drawn from the chosen model's definition, the shared ones kept across
// a switch, validation by the registry's schema before anything is sent, and one idempotency key per attempt.

interface Sent {
  url: string;
  body: Record<string, unknown>;
  key: string | null;
}

let sent: Sent[] = [];
let answers: (() => Response)[] = [];

const taskAnswer = (model: string) => () =>
  new Response(
    JSON.stringify({ id: "task-1", model, status: "pending", progress: 0, input: {}, warnings: {} }),
    { status: 201, headers: { "Content-Type": "application/json" } },
  );

beforeAll(() => {
  registerModel(fixtureModel, fixtureModelSchema);
});

beforeEach(() => {
  sent = [];
  answers = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init?: RequestInit) => {
      // The form reads the day's usage (the cap's remainder, recent reservations) once: no cap, nothing reserved.
      if (url === "/api/usage")
        return Promise.resolve(
          new Response(
            JSON.stringify({
              day: "2026-12-01",
              unit: "credits",
              team: { tasks: 0, creditsReserved: 0, reservedTasks: 0, estimated: null },
              cap: null,
              recent: [],
            }),
            { status: 200, headers: { "Content-Type": "application/json" } },
          ),
        );
      const headers = new Headers(init?.headers);
      sent.push({
        url,
        body: JSON.parse(String(init?.body ?? "{}")) as Record<string, unknown>,
        key: headers.get("idempotency-key"),
      });
      const answer = answers.shift();
      return Promise.resolve(answer ? answer() : new Response("{}", { status: 500 }));
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderForm() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <Intl>
      <QueryClientProvider client={client}>
        <GenerationForm simulator={false} draft={null} />
      </QueryClientProvider>
    </Intl>,
  );
}

const chooseModel = (name: RegExp) =>
  fireEvent.click(within(screen.getByRole("radiogroup", { name: "Model" })).getByRole("radio", { name }));
const type = (label: string, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
const generate = () => fireEvent.click(screen.getByRole("button", { name: "Generate" }));

describe("GenerationForm", () => {
  it("offers every registered model, the test-only one last", () => {
    renderForm();
    const radios = within(screen.getByRole("radiogroup", { name: "Model" })).getAllByRole("radio");
    expect(radios.map((r) => r.getAttribute("value"))).toEqual([
      "kling-o3-video-to-video-edit",
      "veo-3.1-extend",
      "veo-3.1-extend-fast",
      FIXTURE_MODEL,
    ]);
    expect(radios[0]).toHaveProperty("checked", true);
  });

  it("draws the chosen model's fields from its definition, and keeps shared values across a switch", () => {
    renderForm();
    expect(screen.getByRole("radiogroup", { name: "Resolution" })).toBeTruthy();
    expect(screen.getByRole("button", { name: /Add image/ })).toBeTruthy();
    type("Prompt", "Make @Video1 dusk");
    type("Video URL", "https://example.com/a.mp4");

    chooseModel(/Veo 3.1 Extend Fast/);
    expect(screen.queryByRole("radiogroup", { name: "Resolution" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Add image/ })).toBeNull();
    expect(screen.getByRole("radiogroup", { name: "Aspect ratio" })).toBeTruthy();
    expect(screen.getByLabelText("Safety tolerance")).toBeTruthy();
    expect(screen.getByText("Advanced")).toBeTruthy();
    expect((screen.getByLabelText("Prompt") as HTMLTextAreaElement).value).toBe("Make @Video1 dusk");
    expect((screen.getByLabelText("Video URL") as HTMLInputElement).value).toBe("https://example.com/a.mp4");

    chooseModel(/Test Image to Video/);
    expect(screen.queryByLabelText("Video URL")).toBeNull();
    expect(screen.getByLabelText("Image URL")).toBeTruthy();
    expect(screen.getByLabelText("Image file")).toBeTruthy();
    const duration = screen.getByRole("radiogroup", { name: "Duration" });
    expect(
      within(duration)
        .getAllByRole("radio")
        .map((r) => r.getAttribute("value")),
    ).toEqual(["5", "10"]);
    // The prompt survived again, now counted against this model's limit.
    expect(document.getElementById("prompt-count")?.textContent).toBe("17 / 500 characters");
  });

  it("validates with the model's schema before sending anything", async () => {
    renderForm();
    generate();
    expect(await screen.findByText("Write a prompt that describes the change.")).toBeTruthy();
    expect(screen.getByText("Enter the video URL.")).toBeTruthy();
    expect(sent).toHaveLength(0);
  });

  it("sends the test-only model's request, exactly, with an idempotency key", async () => {
    answers.push(taskAnswer(FIXTURE_MODEL));
    renderForm();
    chooseModel(/Test Image to Video/);
    type("Prompt", "  The colours slowly swirl ");
    type("Image URL", "https://example.com/still.png");
    fireEvent.click(
      within(screen.getByRole("radiogroup", { name: "Duration" })).getByRole("radio", { name: "10" }),
    );
    generate();
    expect(await screen.findByText("Started: Test Image to Video. Follow it in Tasks.")).toBeTruthy();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe("/api/generations");
    expect(sent[0]!.body).toEqual({
      model: FIXTURE_MODEL,
      prompt: "The colours slowly swirl",
      image_url: "https://example.com/still.png",
      duration: "10",
    });
    expect(sent[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("retries the same values with the same key, and edited values with a new one", async () => {
    const refused = () =>
      new Response(JSON.stringify({ error: { code: "upstream_unavailable", message: "No channel." } }), {
        status: 503,
        headers: { "Content-Type": "application/json" },
      });
    answers.push(refused, refused, taskAnswer(FIXTURE_MODEL));
    renderForm();
    chooseModel(/Test Image to Video/);
    type("Prompt", "Swirl");
    type("Image URL", "https://example.com/still.png");
    generate();
    expect(await screen.findByText("No channel.")).toBeTruthy();
    generate();
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]!.key).toBe(sent[0]!.key);
    type("Prompt", "Swirl faster");
    await waitFor(() => expect(screen.queryByRole("button", { name: "Generate" })).not.toBeNull());
    generate();
    await waitFor(() => expect(sent).toHaveLength(3));
    expect(sent[2]!.key).not.toBe(sent[0]!.key);
    expect(sent[2]!.body.prompt).toBe("Swirl faster");
  });
});
