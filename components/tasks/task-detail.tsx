"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { MODELS } from "@/lib/models";
import { taskQueryOptions } from "@/lib/client/queries";
import type { TaskView } from "@/lib/tasks/types";
import { ResultVideo, StatusWord, TaskProgress } from "./task-card";

function settingsOf(task: TaskView): [string, string][] {
  const i = task.input;
  const rows: [string, string][] = [["Model", MODELS[task.model].label]];
  if (i.model === "kling-o3-video-to-video-edit") {
    rows.push(["Resolution", i.resolution], ["Keep original audio", i.keep_audio ? "Yes" : "No"]);
    i.image_urls.forEach((u, n) => rows.push([`@Image${String(n + 1)}`, u]));
    i.elements.forEach((e, n) => {
      rows.push([`@Element${String(n + 1)} frontal`, e.frontal_image_url]);
      e.reference_image_urls.forEach((u, k) =>
        rows.push([`@Element${String(n + 1)} reference ${String(k + 1)}`, u]),
      );
    });
  } else {
    rows.push(["Aspect ratio", i.aspect_ratio], ["Generate audio", i.generate_audio ? "Yes" : "No"]);
    if (i.negative_prompt) rows.push(["Negative prompt", i.negative_prompt]);
    if (i.seed !== undefined) rows.push(["Seed", String(i.seed)]);
    if (i.safety_tolerance !== undefined) rows.push(["Safety tolerance", String(i.safety_tolerance)]);
    if (i.auto_fix === false) rows.push(["Auto-fix prompt", "Off"]);
  }
  return rows;
}

/** The task page's live body: follows the task while unfinished, then shows source and result side by side. */
export function TaskDetail({ initial }: { initial: TaskView }) {
  const query = useQuery(taskQueryOptions(initial));
  const task = query.data;
  const [copied, setCopied] = useState(false);
  const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

  return (
    <article aria-label={`Task ${task.id}`} className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold text-slate-100">{MODELS[task.model].label}</h1>
        <StatusWord status={task.status} />
        <span className="text-xs text-slate-400">
          <code>{task.id}</code>{" "}
          <button
            type="button"
            className="underline"
            onClick={() => {
              void navigator.clipboard?.writeText(task.id).then(() => setCopied(true));
            }}
          >
            {copied ? "Copied" : "Copy id"}
          </button>
        </span>
      </div>
      <TaskProgress task={task} query={query} />
      {task.status === "failed" ? (
        <p
          role="alert"
          className="rounded-md border border-rose-400/30 bg-rose-500/10 p-3 text-sm text-rose-200"
        >
          {task.error?.message ?? "The task failed."}
        </p>
      ) : null}
      <div className="grid gap-4 md:grid-cols-2">
        <figure className="space-y-1">
          <figcaption className="text-xs font-medium uppercase tracking-wide text-slate-400">
            Source
          </figcaption>
          <video
            src={task.input.video_url}
            controls
            playsInline
            preload="metadata"
            aria-label="Source video"
            className="w-full rounded-md bg-black"
          />
        </figure>
        <figure className="space-y-1">
          <figcaption className="text-xs font-medium uppercase tracking-wide text-slate-400">
            Result
          </figcaption>
          {task.videoUrl ? (
            <ResultVideo task={task} />
          ) : (
            <div className="flex aspect-video items-center justify-center rounded-md border border-dashed border-ink-600 text-sm text-slate-500">
              {task.status === "failed" ? "No result" : "The result will appear here."}
            </div>
          )}
        </figure>
      </div>
      {task.downloadUrl ? (
        <a
          href={task.downloadUrl}
          download
          className="inline-flex h-9 items-center rounded-md bg-accent-500 px-3 text-sm font-medium text-ink-950 hover:bg-accent-400"
        >
          Download
        </a>
      ) : null}
      <section aria-labelledby="prompt-heading" className="space-y-1">
        <h2 id="prompt-heading" className="text-sm font-semibold text-slate-200">
          Prompt
        </h2>
        <p className="whitespace-pre-wrap text-sm text-slate-300">{task.input.prompt}</p>
      </section>
      <section aria-labelledby="settings-heading" className="space-y-1">
        <h2 id="settings-heading" className="text-sm font-semibold text-slate-200">
          Settings
        </h2>
        <dl className="grid grid-cols-[minmax(0,10rem)_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
          {[
            ...settingsOf(task),
            ["Video", task.input.video_url] as [string, string],
            ["Submitted", fmt(task.createdAt)] as [string, string],
            ["Finished", fmt(task.completedAt)] as [string, string],
          ].map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-slate-400">{k}</dt>
              <dd className="break-all text-slate-200">{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      <Link href="/" className="inline-block text-sm text-accent-400 hover:underline">
        ← Back to the studio
      </Link>
    </article>
  );
}
