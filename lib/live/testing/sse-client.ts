import http from "node:http";

export interface ParsedEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Parses an event stream as the HTML spec's EventSource does (fields `id`, `event`, `data`, `retry`; lines starting
 * with a colon are comments), fed chunk by chunk. Kept independent of `sse.ts` so the tests check the wire format.
 */
export function createSseParser(on: {
  event: (e: ParsedEvent) => void;
  comment?: (text: string) => void;
  retry?: (ms: number) => void;
}) {
  let buffer = "";
  let data: string[] = [];
  let event = "";
  let id: string | null = null;
  let lastId: string | null = null;
  return {
    get lastEventId() {
      return lastId;
    },
    feed(chunk: string) {
      buffer += chunk;
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buffer);
        if (!m) break;
        const line = buffer.slice(0, m.index);
        buffer = buffer.slice(m.index + m[0].length);
        if (line === "") {
          if (id !== null) lastId = id;
          if (data.length > 0) on.event({ id: lastId, event: event || "message", data: data.join("\n") });
          data = [];
          event = "";
          id = null;
          continue;
        }
        if (line.startsWith(":")) {
          on.comment?.(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "data") data.push(value);
        else if (field === "event") event = value;
        else if (field === "id" && !value.includes("\0")) id = value;
        else if (field === "retry" && /^\d+$/.test(value)) on.retry?.(Number(value));
      }
    },
  };
}

export interface SseConnection {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Every event but `ping`, which is only counted. */
  events: ParsedEvent[];
  pings: number;
  comments: string[];
  retry: number | null;
  lastEventId: () => string | null;
  /** Resolves when `predicate` holds over what has arrived, or rejects after `timeoutMs`. */
  waitFor: (predicate: (c: SseConnection) => boolean, timeoutMs?: number) => Promise<void>;
  /** Stops reading from the socket (a slow reader); `resume` starts again. */
  pause: () => void;
  resume: () => void;
  close: () => void;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  body: string;
}

/** Opens an event stream over a real socket, like an EventSource would, with an optional `Last-Event-ID`. */
export function connectSse(
  url: string,
  options: { lastEventId?: string; agent?: http.Agent; keepBody?: boolean } = {},
): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
    const req = http.get(url, { headers, agent: options.agent ?? false }, (res) => {
      const waiters = new Set<() => void>();
      let endResolve!: () => void;
      const conn: SseConnection = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        pings: 0,
        comments: [],
        retry: null,
        lastEventId: () => parser.lastEventId,
        waitFor: (predicate, timeoutMs = 5_000) =>
          new Promise<void>((ok, fail) => {
            if (predicate(conn)) return ok();
            const check = () => {
              if (!predicate(conn)) return;
              clearTimeout(timer);
              waiters.delete(check);
              ok();
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(
                new Error(
                  `SSE wait timed out after ${String(timeoutMs)} ms (${String(conn.events.length)} events)`,
                ),
              );
            }, timeoutMs);
            waiters.add(check);
          }),
        pause: () => res.pause(),
        resume: () => res.resume(),
        close: () => req.destroy(),
        ended: new Promise<void>((r) => (endResolve = r)),
        body: "",
      };
      const notify = () => {
        for (const w of [...waiters]) w();
      };
      const parser = createSseParser({
        event: (e) => (e.event === "ping" ? conn.pings++ : conn.events.push(e)),
        comment: (c) => conn.comments.push(c),
        retry: (ms) => (conn.retry = ms),
      });
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (options.keepBody || conn.status !== 200) conn.body += chunk;
        parser.feed(chunk);
        notify();
      });
      res.on("end", () => {
        endResolve();
        notify();
      });
      res.on("close", () => endResolve());
      res.on("error", () => endResolve());
      resolve(conn);
    });
    req.on("error", reject);
  });
}
