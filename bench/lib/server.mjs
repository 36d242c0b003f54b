// Builds (when stale) and starts Retake's production server for the benchmarks: its own build folder
// (.next-bench), its own ports (3400–3499), its own data directory under the OS temp dir, loopback only.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The app that is built and served: this checkout, or BENCH_APP_DIR (e.g. an exported older commit with
 * node_modules linked in) to compare two versions with the same benchmark code.
 */
export const ROOT = path.resolve(process.env.BENCH_APP_DIR ?? path.resolve(import.meta.dirname, "../.."));
export const DIST = process.env.BENCH_DIST_DIR ?? ".next-bench";
const nextBin = (appDir) => path.join(appDir, "node_modules/next/dist/bin/next");

function newestMtime(dir) {
  let newest = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.test\.tsx?$/.test(e.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return newest;
}

/**
 * Makes sure a production build exists in DIST and is newer than the sources (app/, components/, lib/ and the
 * build config); builds it otherwise (BENCH_REBUILD=1 forces a build). Next rewrites tsconfig.json when it
 * meets a new build folder; that rewrite is undone so a benchmark run leaves the working tree as it found it.
 */
export function ensureBuild(appDir = ROOT) {
  const buildId = path.join(appDir, DIST, "BUILD_ID");
  const sources = Math.max(
    ...["app", "components", "lib", "public"].map((d) => newestMtime(path.join(appDir, d))),
    ...["next.config.ts", "package-lock.json", "postcss.config.mjs", "instrumentation.ts"].map((f) =>
      fs.existsSync(path.join(appDir, f)) ? fs.statSync(path.join(appDir, f)).mtimeMs : 0,
    ),
  );
  const where = appDir === ROOT ? DIST : path.join(appDir, DIST);
  if (process.env.BENCH_REBUILD !== "1" && fs.existsSync(buildId) && fs.statSync(buildId).mtimeMs > sources) {
    console.log(`build: reusing ${where} (newer than the sources; BENCH_REBUILD=1 forces a build)`);
    return;
  }
  console.log(`build: NEXT_DIST_DIR=${DIST} npx next build${appDir === ROOT ? "" : ` (in ${appDir})`}`);
  const tsconfig = path.join(appDir, "tsconfig.json");
  const before = fs.readFileSync(tsconfig, "utf8");
  const started = Date.now();
  try {
    execFileSync(process.execPath, [nextBin(appDir), "build"], {
      cwd: appDir,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NEXT_DIST_DIR: DIST, NEXT_TELEMETRY_DISABLED: "1", FOXAPI_API_KEY: "" },
      timeout: 300_000,
    });
  } finally {
    if (fs.readFileSync(tsconfig, "utf8") !== before) fs.writeFileSync(tsconfig, before);
  }
  console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** A plain HTTP request on a fresh connection; resolves status, headers and body text. */
export function request(url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on("error", reject);
    req.end(body);
  });
}

function childrenOf(pid) {
  const out = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

/**
 * The process that actually serves requests: the `next-server` descendant of `next start`, or the started
 * process itself (server.mjs serves in the process it runs in).
 */
function findServerPid(rootPid) {
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift();
    try {
      const cmd = fs.readFileSync(`/proc/${String(pid)}/cmdline`, "utf8");
      if (cmd.startsWith("next-server")) return pid;
    } catch {
      // gone
    }
    queue.push(...childrenOf(pid));
  }
  return rootPid;
}

/** Resident memory of a process in MiB, from /proc/<pid>/status: VmRSS now, or VmHWM (the peak so far). */
export function rssMiB(pid, field = "VmRSS") {
  const status = fs.readFileSync(`/proc/${String(pid)}/status`, "utf8");
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const started = new Set();
const dataDirs = new Set();
let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const pid of started) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM"])
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
}

/**
 * Starts the production server (server.mjs) from DIST on 127.0.0.1:<port> with a fresh data directory and the
 * given environment (FOXAPI_* etc.). Resolves once it answers. `nodeArgs` go to node itself (e.g. ["--cpu-prof"]); `appDir`
 * serves another checkout's build (see ensureBuild); `gcProbe` preloads bench/lib/gc-probe.mjs (see afterGc).
 */
export async function startServer(port, env = {}, { nodeArgs = [], appDir = ROOT, gcProbe = false } = {}) {
  // 3400–3499 unless BENCH_PORT_RANGE="lo-hi" names another range (a machine shared with other runs).
  const [lo, hi] = (process.env.BENCH_PORT_RANGE ?? "3400-3499").split("-").map(Number);
  if (!(port >= lo && port <= hi))
    throw new Error(`bench ports are ${String(lo)}–${String(hi)}, not ${String(port)}`);
  hookExit();
  const url = `http://127.0.0.1:${String(port)}`;
  try {
    await request(`${url}/`);
    throw new Error(`port ${String(port)} is already in use`);
  } catch (err) {
    if (String(err.message).includes("already in use")) throw err;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "retake-bench-"));
  dataDirs.add(dataDir);
  const probeFile = path.join(dataDir, "gc-probe.json");
  if (gcProbe)
    nodeArgs = [
      "--expose-gc",
      "--import",
      pathToFileURL(path.join(import.meta.dirname, "gc-probe.mjs")).href,
      ...nodeArgs,
    ];
  const fullEnv = {
    ...(gcProbe ? { BENCH_GC_PROBE_FILE: probeFile } : {}),
    ...process.env,
    NODE_ENV: "production",
    NEXT_DIST_DIR: DIST,
    NEXT_TELEMETRY_DISABLED: "1",
    DATA_DIR: dataDir,
    FOXAPI_API_KEY: "",
    ...env,
  };
  // The README's start command runs server.mjs; an older checkout (BENCH_APP_DIR) without it runs `next start`.
  const serverFile = path.join(appDir, "server.mjs");
  const args = fs.existsSync(serverFile)
    ? [serverFile]
    : [nextBin(appDir), "start", "-p", String(port), "-H", "127.0.0.1"];
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: appDir,
    env: { ...fullEnv, HOST: "127.0.0.1", PORT: String(port) },
    detached: true,
    stdio: ["ignore", "ignore", process.env.BENCH_VERBOSE ? "inherit" : "ignore"],
  });
  started.add(child.pid);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let up = false;
  for (let i = 0; i < 300 && !up; i++) {
    try {
      const res = await request(`${url}/sign-in`);
      up = res.status < 500;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!up) throw new Error(`the server on ${url} did not start (is ${DIST} built?)`);
  const pid = findServerPid(child.pid);
  return {
    url,
    port,
    dataDir,
    pid,
    rss: () => rssMiB(pid),
    peakRss: () => rssMiB(pid, "VmHWM"),
    /** With `gcProbe`: collects garbage in the server, then resolves { rss, heapUsed } in MiB. */
    async afterGc() {
      if (!gcProbe) throw new Error("start the server with { gcProbe: true }");
      const before = fs.existsSync(probeFile) ? fs.statSync(probeFile).mtimeMs : 0;
      process.kill(pid, "SIGUSR2");
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 50));
        if (fs.existsSync(probeFile) && fs.statSync(probeFile).mtimeMs > before) {
          await new Promise((r) => setTimeout(r, 20));
          const m = JSON.parse(fs.readFileSync(probeFile, "utf8"));
          return { rss: rssMiB(pid), heapUsed: m.heapUsed / 1048576, external: m.external / 1048576 };
        }
      }
      throw new Error("the server did not answer the GC probe");
    },
    /** Stops the server: SIGTERM first (so --cpu-prof can write its profile), SIGKILL after 5 s. */
    async stop() {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is already gone
      }
      started.delete(child.pid);
      fs.rmSync(dataDir, { recursive: true, force: true });
      dataDirs.delete(dataDir);
    },
  };
}

/** Signs in with the passcode and returns the Cookie header value. Sign-in allows 5 a minute per client. */
export async function signIn(server, passcode) {
  const res = await request(`${server.url}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.url },
    body: JSON.stringify({ passcode }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: HTTP ${String(res.status)} ${res.body}`);
  const cookie = String(res.headers["set-cookie"]?.[0] ?? "").split(";")[0];
  return cookie;
}

/** The body of a valid Veo extend request whose media points at the fake. */
export function generationBody(fakeUrl, n, extra = "") {
  return {
    model: "veo-3.1-extend",
    prompt: `bench ${String(n)} ${extra}`.trim(),
    video_url: `${fakeUrl}/media/clip-${String(n)}.mp4?r=${String(n)}`,
    aspect_ratio: "16:9",
  };
}

/** Submits one generation through our server; resolves the created task (throws on a non-2xx). */
export async function submit(server, body, { cookie, key } = {}) {
  const res = await request(`${server.url}/api/generations`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Origin: server.url,
      "Idempotency-Key":
        key ?? `bench-${String(process.hrtime.bigint())}-${Math.random().toString(36).slice(2)}`,
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: JSON.stringify(body),
  });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`submit failed: HTTP ${String(res.status)} ${res.body}`);
  return JSON.parse(res.body);
}
