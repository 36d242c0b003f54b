import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A server of a test's own, from the same production build (.next-e2e) as the main one, with its own port, data
 * directory and environment: for tests that restart it, set a passcode or a real (fake-upstream) key.
 */
export interface OwnServer {
  url: string;
  dataDir: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function waitUp(url: string) {
  for (let i = 0; i < 150; i++) {
    try {
      const res = await fetch(`${url}/sign-in`, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server at ${url} did not start`);
}

/**
 * Refuses a port something already listens on: waitUp would take that other server (another spec's) for this one,
 * and the test would fail later, far from the cause, when that server stops.
 */
function assertFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", () =>
      reject(
        new Error(
          `port ${String(port)} is taken (another spec's server?): give this server a port of its own`,
        ),
      ),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

export async function startOwnServer(port: number, env: Record<string, string>): Promise<OwnServer> {
  await assertFree(port);
  const url = `http://127.0.0.1:${String(port)}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "retake-own-"));
  let child: ChildProcess | undefined;
  // What the server prints goes to server.log in its data directory, to read after a failure.
  const logFile = path.join(dataDir, "server.log");

  const start = async () => {
    const out = fs.openSync(logFile, "a");
    // The README's start command (server.mjs), so these tests see what people run.
    child = spawn("npm", ["start"], {
      env: {
        ...process.env,
        HOST: "127.0.0.1",
        PORT: String(port),
        NEXT_DIST_DIR: process.env.E2E_DIST_DIR ?? ".next-e2e",
        NEXT_TELEMETRY_DISABLED: "1",
        DATA_DIR: dataDir,
        FOXAPI_API_KEY: "",
        SIMULATOR_DURATION_MS: "4000",
        STATUS_MIN_INTERVAL_MS: "500",
        ...env,
      },
      detached: true,
      stdio: ["ignore", out, out],
    });
    fs.closeSync(out);
    await waitUp(url);
  };
  const stop = async () => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    child = undefined;
    for (let i = 0; i < 50; i++) {
      try {
        await fetch(url);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await start();
  return {
    url,
    dataDir,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}
