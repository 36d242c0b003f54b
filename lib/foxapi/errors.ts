/**
 * Our error codes for everything the upstream can do to us, with the HTTP status our own API answers. The mapping
 * follows the table in shared/foxapi-contract.md §3.
 */
export type UpstreamErrorCode =
  | "upstream_bad_request" // 400: our bug (bad JSON or content type)
  | "upstream_auth_failed" // 401: the server's key is wrong; the operator's problem, not the visitor's
  | "insufficient_credit" // 402
  | "task_not_found" // 404
  | "upstream_rejected" // 422: a field the upstream refused; its message goes on the form
  | "rate_limited" // 429
  | "upstream_error" // 500 and other 5xx
  | "upstream_unavailable" // 503: no channel for the model / provider error
  | "upstream_timeout"
  | "upstream_unreachable" // nothing was sent: DNS or connection refused
  | "submit_outcome_unknown" // a submit may have reached the upstream, but we never saw the answer
  | "upstream_bad_response"; // not JSON, or not a task

export class UpstreamError extends Error {
  override name = "UpstreamError";
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    readonly options: {
      /** The upstream's HTTP status, when there was one. */
      upstreamStatus?: number;
      /** The upstream's own `error.code` (e.g. `unsupported_advanced_options`). */
      upstreamCode?: string;
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
  }

  /** The status our API answers with. */
  get httpStatus(): number {
    return STATUS[this.code];
  }

  /** Worth asking again (status reads only; a submit is never retried once it may have been sent). */
  get retryable(): boolean {
    return (
      this.code === "rate_limited" ||
      this.code === "upstream_error" ||
      this.code === "upstream_unavailable" ||
      this.code === "upstream_timeout" ||
      this.code === "upstream_unreachable" ||
      this.code === "upstream_bad_response"
    );
  }
}

const STATUS: Record<UpstreamErrorCode, number> = {
  upstream_bad_request: 502,
  upstream_auth_failed: 502,
  insufficient_credit: 402,
  task_not_found: 404,
  upstream_rejected: 422,
  rate_limited: 429,
  upstream_error: 502,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  upstream_unreachable: 502,
  submit_outcome_unknown: 504,
  upstream_bad_response: 502,
};

/** Maps an upstream error response to our error, in words for the person who has to act on it. */
export function errorFromResponse(
  status: number,
  body: { message?: string; type?: string; code?: string } | undefined,
  retryAfterMs: number | undefined,
): UpstreamError {
  const upstreamMessage = body?.message?.trim();
  const opts = { upstreamStatus: status, upstreamCode: body?.code, retryAfterMs };
  switch (status) {
    case 400:
      return new UpstreamError(
        "upstream_bad_request",
        "FoxAPI could not read our request. This is a bug in Retake.",
        opts,
      );
    case 401:
      return new UpstreamError(
        "upstream_auth_failed",
        "FoxAPI rejected the server's API key. The operator needs to check FOXAPI_API_KEY.",
        opts,
      );
    case 402:
      return new UpstreamError(
        "insufficient_credit",
        "The FoxAPI account is out of credit. Top it up, then try again.",
        opts,
      );
    case 404:
      return new UpstreamError("task_not_found", "FoxAPI has no task with this id.", opts);
    case 413:
      return new UpstreamError("upstream_rejected", "The file is too large for FoxAPI.", {
        ...opts,
        upstreamCode: body?.code ?? "file_too_large_error",
      });
    case 422:
      return new UpstreamError(
        // One table lists 503-like provider errors under 422: accept both (contract §3).
        body?.type === "service_unavailable_error" ? "upstream_unavailable" : "upstream_rejected",
        upstreamMessage ? `FoxAPI refused the request: ${upstreamMessage}` : "FoxAPI refused the request.",
        opts,
      );
    case 429:
      return new UpstreamError(
        "rate_limited",
        "FoxAPI is rate-limiting us. Wait a moment and try again.",
        opts,
      );
    case 503:
      return new UpstreamError(
        "upstream_unavailable",
        "FoxAPI has no channel available for this model right now. Try again in a few minutes.",
        opts,
      );
    default:
      if (status >= 500)
        return new UpstreamError(
          "upstream_error",
          "FoxAPI had an internal error. Try again in a few minutes.",
          opts,
        );
      return new UpstreamError(
        "upstream_bad_request",
        `FoxAPI answered ${String(status)} to a request it should accept.`,
        opts,
      );
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
