import { joinMsgs, msg } from "../i18n/message";
import "server-only";
import { type GenerationRequest, type MediaTarget, modelInfo } from "../models";
import { GuardedFetchError, checkUrlTarget, guardedFetch } from "../net/guarded-fetch";

export interface MediaReport {
  /** Definite problems: the submit is refused with these on their fields, before anything is spent. */
  errors: Record<string, string>;
  /** What our server couldn't confirm: shown, but the upstream may still manage. */
  warnings: Record<string, string>;
}

export type MediaChecker = (request: GenerationRequest) => Promise<MediaReport>;

type Target = MediaTarget;

/** Every media URL of a request, as its model's definition lists them. */
const targetsOf = (req: GenerationRequest): Target[] => modelInfo(req.model).mediaTargets(req);

/** Types that don't say what the bytes are, or say MP4 without a `video/` prefix: not a definite mismatch. */
const OCTET = /^((application|binary)\/octet-stream|application\/mp4)/i;
const MB = (n: number) => `${String(Math.round(n / (1024 * 1024)))} MB`;

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref()),
  ]);
}

/** Size from `Content-Length`, or from `Content-Range: bytes 0-0/TOTAL` when we had to ask for one byte. */
function sizeOf(headers: Record<string, string>): number | null {
  const range = /\/(\d+)$/.exec(headers["content-range"] ?? "");
  if (range) return Number(range[1]);
  const length = Number(headers["content-length"]);
  return Number.isFinite(length) && headers["content-length"] !== undefined ? length : null;
}

async function checkOne(
  t: Target,
  allowLoopback: boolean,
  timeoutMs: number,
): Promise<{ error?: string; warning?: string }> {
  const target = await withTimeout(checkUrlTarget(t.url, { allowLoopback }), timeoutMs, null);
  if (target === null) return { warning: msg("media.lookupSlow") };
  if (!target.ok) {
    if (target.code === "dns_failed")
      return {
        warning: msg("media.noHost"),
      };
    return {
      error: target.code === "blocked_address" ? msg("media.privateAddress") : target.reason,
    };
  }
  const cap = t.maxBytes;
  const tooBig = {
    error: msg("media.largerThan", { kind: t.kind, max: MB(cap) }),
  };
  try {
    let res = await guardedFetch(t.url, { method: "HEAD", allowLoopback, timeoutMs, maxRedirects: 3 });
    res.body.destroy();
    if (res.status === 405 || res.status === 501 || res.status === 403) {
      // Some hosts refuse HEAD: ask for one byte instead.
      res = await guardedFetch(t.url, {
        headers: { Range: "bytes=0-0" },
        allowLoopback,
        timeoutMs,
        maxRedirects: 3,
        // A host may ignore Range and answer the whole file: its declared length over the cap is the answer we
        // want (too_large below), and under it we still read nothing, since the body is dropped at once.
        maxBytes: cap,
      });
      res.body.destroy();
    }
    if (res.status >= 400)
      return {
        warning: msg("media.httpStatus", { status: String(res.status) }),
      };
    const type = (res.headers["content-type"] ?? "").toLowerCase();
    if (type && !OCTET.test(type) && !type.startsWith(`${t.kind}/`))
      return {
        error: msg("media.wrongType", { kind: t.kind, type: type.split(";")[0]! }),
      };
    const size = sizeOf(res.headers);
    if (size !== null && size > cap)
      return {
        error: msg("media.sizeOver", { kind: t.kind, size: MB(size), max: MB(cap) }),
      };
    return {};
  } catch (err) {
    if (err instanceof GuardedFetchError && err.code === "too_large") return tooBig;
    const why = err instanceof GuardedFetchError ? err.message : msg("media.connectionFailed");
    if (
      err instanceof GuardedFetchError &&
      (err.code === "blocked_address" || err.code === "scheme_not_allowed")
    )
      return { error: msg("media.badRedirect", { why }) };
    return { warning: msg("media.uncheckable", { why }) };
  }
}

/**
 * Looks at every media URL of a request through the guarded client before anything is spent: a private or
 * non-http(s) address, or a link that serves the wrong type or too many bytes, is refused on its field; a link our
 * server simply can't reach is only a warning.
 */
export function createMediaChecker(options: { allowLoopback: boolean; timeoutMs?: number }): MediaChecker {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return async (request) => {
    const report: MediaReport = { errors: {}, warnings: {} };
    const targets = targetsOf(request);
    const results = await Promise.all(targets.map((t) => checkOne(t, options.allowLoopback, timeoutMs)));
    results.forEach((r, i) => {
      const field = targets[i]!.field;
      if (r.error) report.errors[field] = r.error;
      else if (r.warning) report.warnings[field] = r.warning;
    });
    return report;
  };
}

/**
 * The link check, then a deeper one (the probe of the clip's header) only for a request whose links all passed;
 * the warnings of both, joined per field. The submit path's media check, and what tests of it compose.
 */
export function thenCheck(links: MediaChecker, deeper: MediaChecker): MediaChecker {
  return async (request) => {
    const base = await links(request);
    if (Object.keys(base.errors).length > 0) return base;
    const measured = await deeper(request);
    const warnings = { ...base.warnings };
    for (const [field, message] of Object.entries(measured.warnings))
      warnings[field] = warnings[field] ? joinMsgs([warnings[field], message]) : message;
    return { errors: measured.errors, warnings };
  };
}
