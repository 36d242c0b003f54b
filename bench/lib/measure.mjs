// Measuring helpers shared by the benchmarks: a sequential latency runner over one keep-alive connection,
// autocannon for throughput, percentiles and printing.
import http from "node:http";
import autocannon from "autocannon";

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    mean: sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1),
  };
}

export const median = (xs) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
export const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

/**
 * A client on one keep-alive connection: `send({ path, method, headers, body })` resolves the status, the body
 * text and the latency in ms (from writing the request to the end of the response body).
 */
export function client(baseUrl) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    send({ path, method = "GET", headers = {}, body }) {
      const t0 = performance.now();
      return new Promise((resolve, reject) => {
        const req = http.request(`${baseUrl}${path}`, { method, headers, agent }, (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode,
              text: Buffer.concat(chunks).toString(),
              ms: performance.now() - t0,
            }),
          );
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/**
 * Runs autocannon (bounded: `duration` seconds or `amount` requests) and returns its result plus `elapsedMs`.
 * To vary each request (path, headers, body) pass `requests: [{ setupRequest }]`.
 */
export function cannon(options) {
  const t0 = performance.now();
  let last = t0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { connections: 8, pipelining: 1, timeout: 10, ...options },
      // autocannon's own `duration` is whole seconds (a 30-request run "takes" 1 s): time it from the start
      // to the last response instead.
      (err, result) => (err ? reject(err) : resolve({ ...result, elapsedMs: last - t0 })),
    );
    instance.on("response", () => {
      last = performance.now();
    });
    instance.on("error", () => undefined);
  });
}

export function printTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => String(cell).padEnd(widths[c])).join("  "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

/** The command that reproduces a benchmark, printed with its figures. */
export function printCommand(script) {
  console.log(`command: node ${script}   (all benchmarks: npm run bench)`);
}

/** Exits the process (killing its servers) if the benchmark runs longer than it should. */
export function deadline(seconds, name) {
  const t = setTimeout(() => {
    console.error(`${name}: still running after ${String(seconds)} s; stopping.`);
    process.exit(2);
  }, seconds * 1000);
  t.unref();
}
