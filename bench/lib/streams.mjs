// A page's event stream for the benchmarks: GET /api/generations/events on its own connection, parsed as
// Server-Sent Events, with the moment each event arrived. Lean on purpose: hundreds are held at once.
import http from "node:http";

/**
 * Opens one stream. `opened` resolves at the opening ping (null) or with an Error when refused. `completedAt`
 * maps a task id to when its `completed` state arrived; `arrivals` maps an event id (a change number) to when it
 * arrived, for every `task` event.
 */
export function openStream(baseUrl, { headers = {} } = {}) {
  const completedAt = new Map();
  const arrivals = new Map();
  let buffer = "";
  let pings = 0;
  let ended = false;
  let resolveOpen;
  const opened = new Promise((r) => (resolveOpen = r));
  const req = http.get(`${baseUrl}/api/generations/events`, { agent: false, headers }, (res) => {
    if (res.statusCode !== 200) {
      ended = true;
      resolveOpen(new Error(`stream refused: HTTP ${String(res.statusCode)}`));
      res.resume();
      return;
    }
    res.setEncoding("utf8");
    res.on("data", (chunk) => {
      const now = Date.now();
      buffer += chunk;
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? "message";
        if (event === "ping") {
          pings++;
          resolveOpen(null);
          continue;
        }
        if (event !== "task") continue;
        const id = /^id: ?(.*)$/m.exec(block)?.[1];
        const data = block
          .split("\n")
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trimStart())
          .join("\n");
        const task = JSON.parse(data);
        if (id !== undefined && !arrivals.has(id)) arrivals.set(id, now);
        if (task.status === "completed" && !completedAt.has(task.id)) completedAt.set(task.id, now);
      }
    });
    res.on("end", () => (ended = true));
    res.on("error", () => (ended = true));
  });
  req.on("error", (err) => {
    ended = true;
    resolveOpen(err);
  });
  return {
    opened,
    completedAt,
    arrivals,
    get pings() {
      return pings;
    },
    get ended() {
      return ended;
    },
    close: () => req.destroy(),
  };
}
