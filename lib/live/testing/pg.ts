import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian's PostgreSQL 15 binaries; PG_BIN overrides. */
const BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PgCluster {
  port: number;
  connectionString: string;
  /** Stops the server, keeping its data (to test a restart). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });

/**
 * A throwaway PostgreSQL for one test file: `initdb` in a temp dir, trust auth, loopback only, on the first free
 * port of `ports`, fsync off. initdb refuses to run as root, so as root the binaries run as the `postgres` system
 * user (which then owns the temp dir).
 */
export async function startPgCluster(ports: readonly number[]): Promise<PgCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "retake-pg-"));
  try {
    return await startIn(dir, ports);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startIn(dir: string, ports: readonly number[]): Promise<PgCluster> {
  const data = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const exec = (bin: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", path.join(BIN, bin), ...args])
      : run(path.join(BIN, bin), args);
  if (asRoot) fs.chownSync(dir, ...(await postgresIds()));
  fs.chmodSync(dir, 0o700);
  await exec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  let port = 0;
  for (const p of ports)
    if (await portFree(p)) {
      port = p;
      break;
    }
  if (!port) throw new Error(`No free port among ${ports.join(", ")} for the test PostgreSQL.`);
  const options = `-p ${String(port)} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = () =>
    exec("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "-t", "30", "start"]).then(
      () => undefined,
    );
  const stop = () => exec("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]).then(() => undefined);
  await start();
  return {
    port,
    connectionString: `postgres://postgres@127.0.0.1:${String(port)}/postgres`,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run("id", ["-u", "postgres"]);
  const { stdout: g } = await run("id", ["-g", "postgres"]);
  return [Number(stdout.trim()), Number(g.trim())];
}
