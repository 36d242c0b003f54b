// First-load JavaScript of a page, the way Next's old build table counted it: the gzip size of every script
// chunk the page's HTML loads (<script src="/_next/static/…js">), each counted once, `noModule` polyfills left
// out. Sizes only: the same build always gives the same figure, so CI can hold a budget on it.
import http from "node:http";
import zlib from "node:zlib";

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on("error", reject);
  });
}

/** The script chunks an HTML document loads: [{ src, noModule }]. */
export function scriptsIn(html) {
  const out = [];
  for (const m of html.matchAll(/<script\b([^>]*)>/gi)) {
    const attrs = m[1];
    const src = /\ssrc=(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
    if (!src) continue;
    const value = (src[1] ?? src[2] ?? src[3]).replace(/&amp;/g, "&");
    out.push({ src: value, noModule: /\snomodule\b/i.test(attrs) });
  }
  return out;
}

export const KiB = 1024;

/**
 * Fetches `pathname` from a running server and sums the gzip size (level 9) of the scripts its HTML loads.
 * Returns { route, status, files: [{ src, bytes, gzip }], gzip, bytes, skipped }.
 */
export async function firstLoadJs(baseUrl, pathname, headers = {}) {
  const page = await get(`${baseUrl}${pathname}`, headers);
  if (page.status !== 200) throw new Error(`GET ${pathname} answered HTTP ${String(page.status)}`);
  const scripts = scriptsIn(page.body.toString("utf8"));
  const seen = new Set();
  const files = [];
  let skipped = 0;
  for (const s of scripts) {
    if (s.noModule) {
      skipped++;
      continue;
    }
    const url = new URL(s.src, baseUrl);
    if (!url.pathname.startsWith("/_next/static/") || !url.pathname.endsWith(".js")) continue;
    if (seen.has(url.pathname)) continue;
    seen.add(url.pathname);
    const res = await get(url.href);
    if (res.status !== 200) throw new Error(`GET ${url.pathname} answered HTTP ${String(res.status)}`);
    files.push({
      src: url.pathname,
      bytes: res.body.length,
      gzip: zlib.gzipSync(res.body, { level: 9 }).length,
    });
  }
  return {
    route: pathname,
    files,
    gzip: files.reduce((s, f) => s + f.gzip, 0),
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    skipped,
  };
}
