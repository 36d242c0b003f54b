import "server-only";
import path from "node:path";
import { getEnv } from "../env";
import { getFoxClient } from "../foxapi";
import { type TaskService, createTaskService } from "./service";
import { TaskStore } from "./store";

let service: TaskService | undefined;
let store: TaskStore | undefined;

export function getTaskStore(): TaskStore {
  store ??= new TaskStore(path.join(getEnv().dataDir, "retake.db"));
  return store;
}

/** The process's task service, wired to the configured upstream (or the simulator) and the SQLite store. */
export function getTaskService(): TaskService {
  service ??= createTaskService({
    store: getTaskStore(),
    client: getFoxClient(),
    minIntervalMs: getEnv().STATUS_MIN_INTERVAL_MS,
  });
  return service;
}

export function resetTaskServiceForTests() {
  store?.close();
  store = undefined;
  service = undefined;
}
