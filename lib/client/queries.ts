import { queryOptions } from "@tanstack/react-query";
import type { LiveMode } from "../live/client";
import { needsPolling, pollInterval } from "../tasks/polling";
import type { TaskView } from "../tasks/types";
import { fetchTask, taskKeys } from "./api";

/**
 * One task, followed until it finishes: shared by the task cards and the task page. `live` is the page's stream
 * (lib/client/live.ts): while it connects or is live the stream brings every change, so the query neither
 * refetches on mount nor polls; once it says "polling", today's backoff takes over by itself.
 */
export function taskQueryOptions(task: TaskView, live: LiveMode = "polling") {
  const streamed = live !== "polling";
  return queryOptions({
    queryKey: taskKeys.detail(task.id),
    queryFn: () => fetchTask(task.id),
    initialData: task,
    initialDataUpdatedAt: Date.parse(task.updatedAt),
    staleTime: (query) => (!streamed && needsPolling(query.state.data) ? 0 : Infinity),
    refetchInterval: (query) => (streamed ? false : pollInterval(query.state)),
    // A presenter's second screen or a background tab still sees the result arrive; the server coalesces polls.
    refetchIntervalInBackground: true,
  });
}
