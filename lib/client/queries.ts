import { queryOptions } from "@tanstack/react-query";
import { isFinished, pollInterval } from "../tasks/polling";
import type { TaskView } from "../tasks/types";
import { fetchTask, taskKeys } from "./api";

/** One task, followed until it finishes: shared by the task cards and the task page. */
export function taskQueryOptions(task: TaskView) {
  return queryOptions({
    queryKey: taskKeys.detail(task.id),
    queryFn: () => fetchTask(task.id),
    initialData: task,
    initialDataUpdatedAt: Date.parse(task.updatedAt),
    staleTime: (query) => (isFinished(query.state.data) ? Infinity : 0),
    refetchInterval: (query) => pollInterval(query.state),
    // A presenter's second screen or a background tab still sees the result arrive; the server coalesces polls.
    refetchIntervalInBackground: true,
  });
}
