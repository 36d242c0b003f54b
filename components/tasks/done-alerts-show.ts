import type { Translate } from "@/lib/i18n/message";
import { modelInfo } from "@/lib/models/catalog";
import type { TaskView } from "@/lib/tasks/types";

/* The visible side of "Done" (use-done-alerts.ts): loaded when a task first finishes while the page is hidden. */

/** A favicon that shows a number: the studio's colours, drawn as SVG, so nothing has to load. */
function badgeIcon(n: number): string {
  const label = n > 9 ? "9+" : String(n);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="16" fill="#34d399"/><text x="16" y="22" font-family="Arial,sans-serif" font-size="${label.length > 1 ? 15 : 19}" font-weight="700" text-anchor="middle" fill="#0b0d10">${label}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

export function setFavicon(count: number) {
  for (const link of document.querySelectorAll<HTMLLinkElement>('link[rel~="icon"]')) {
    link.dataset.originalHref ??= link.getAttribute("href") ?? "";
    link.dataset.originalType ??= link.type;
    if (count > 0) {
      link.type = "image/svg+xml";
      link.href = badgeIcon(count);
    } else {
      link.href = link.dataset.originalHref;
      link.type = link.dataset.originalType;
    }
  }
}

/** A notification that says which task finished; `onClick` focuses it. Some browsers allow notifications only
 * from a service worker: then nothing is shown, and the title and favicon still say it. */
export function notifyDone(t: Translate, task: TaskView, onClick: () => void) {
  try {
    const ok = task.status === "completed";
    const label = modelInfo(task.model).label;
    const n = new Notification(t(ok ? "tasks.notifyFinished" : "tasks.notifyFailed", { model: label }), {
      body: task.input.prompt.slice(0, 120),
      tag: task.id,
    });
    n.onclick = () => {
      onClick();
      n.close();
    };
  } catch {
    // See above: the title and favicon still count it.
  }
}
