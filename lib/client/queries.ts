import { queryOptions } from "@tanstack/react-query";
import { needsPolling, pollInterval } from "../tasks/polling";
import type { TaskView } from "../tasks/types";
import { fetchTask, taskKeys } from "./api";

/** One task, followed until it finishes: shared by the task cards and the task page. */
export function taskQueryOptions(task: TaskView) {
  return queryOptions({
    queryKey: taskKeys.detail(task.id),
    queryFn: () => fetchTask(task.id),
    initialData: task,
    initialDataUpdatedAt: Date.parse(task.updatedAt),
    staleTime: (query) => (needsPolling(query.state.data) ? 0 : Infinity),
    refetchInterval: (query) => pollInterval(query.state),
    // A presenter's second screen or a background tab still sees the result arrive; the server coalesces polls.
    refetchIntervalInBackground: true,
  });
}
