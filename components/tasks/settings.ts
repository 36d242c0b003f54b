import { type Translate, say } from "@/lib/i18n/message";
import { modelInfo, sourceUrl } from "@/lib/models/catalog";
import type { TaskView } from "@/lib/tasks/types";

/**
 * The settings table: the model, its own settings in its own words, its reference media, the source, in the
 * page's language (the definitions' words are catalog keys).
 */
export function settingsOf(task: TaskView, t: Translate): [string, string][] {
  const info = modelInfo(task.model);
  const rows: [string, string][] = [[t("studio.model"), info.label]];
  for (const field of info.settings)
    rows.push([say(t, field.label), say(t, field.display(task.input[field.name]))]);
  rows.push(...info.mediaRows(task.input).map(([k, v]): [string, string] => [say(t, k), v]));
  rows.push([say(t, info.source.settingsLabel), sourceUrl(task.input)]);
  if (task.sourceMeta)
    rows.push([
      t("tasks.sourceClip"),
      t("tasks.clipMeasure", {
        secs: task.sourceMeta.durationSeconds.toFixed(1),
        size: `${String(task.sourceMeta.width)}×${String(task.sourceMeta.height)}`,
      }),
    ]);
  return rows;
}

/** The seed a task was made with, in words: a Veo seed, "random" when none was set, or none for a model without. */
export function seedOf(task: TaskView, t: Translate): string {
  const seed = (task.input as { seed?: unknown }).seed;
  if (typeof seed === "number") return String(seed);
  return modelInfo(task.model).settings.some((f) => f.name === "seed")
    ? t("models.common.random")
    : t("compare.noSeed");
}
