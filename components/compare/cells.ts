import { msg } from "@/lib/i18n/message";
import { modelInfo, sourceUrl } from "@/lib/models/catalog";
import type { TaskView } from "@/lib/tasks/types";

/** One tile of a comparison: a result, or a source clip (each distinct source once). */
export interface Cell {
  key: string;
  /** "Source", "Result 1", …: a catalog key (lib/i18n/message.ts); the views say it with `say`. */
  label: string;
  kind: "video" | "image" | "waiting";
  url: string | null;
  task: TaskView | null;
}

/** The cells of a comparison: the sources the tasks started from, then each task's result in the given order. */
export function cellsFor(tasks: TaskView[]): Cell[] {
  const sources = new Map<string, "video" | "image">();
  for (const t of tasks) sources.set(sourceUrl(t.input), modelInfo(t.model).source.kind);
  const many = sources.size > 1;
  const sourceCells: Cell[] = [...sources].map(([url, kind], i) => ({
    key: `source-${String(i)}`,
    label: many ? msg("compare.sourceN", { n: i + 1 }) : msg("compare.source"),
    kind,
    url,
    task: null,
  }));
  const results: Cell[] = tasks.map((t, i) => ({
    key: `result-${t.id}`,
    label: tasks.length === 1 ? msg("compare.result") : msg("compare.resultN", { n: i + 1 }),
    kind: t.videoUrl ? "video" : "waiting",
    url: t.videoUrl,
    task: t,
  }));
  return [...sourceCells, ...results];
}
