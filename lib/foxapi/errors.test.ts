import { describe, expect, it } from "vitest";
import { UpstreamError, errorFromResponse, parseRetryAfter } from "./errors";

describe("errorFromResponse: contract §3", () => {
  it.each([
    [400, "invalid_request_error", "upstream_bad_request", 502, false],
    [401, "authentication_error", "upstream_auth_failed", 502, false],
    [402, "insufficient_quota", "insufficient_credit", 402, false],
    [404, "not_found", "task_not_found", 404, false],
    [422, "invalid_request_error", "upstream_rejected", 422, false],
    [422, "service_unavailable_error", "upstream_unavailable", 503, true],
    [429, "rate_limit_error", "rate_limited", 429, true],
    [500, "server_error", "upstream_error", 502, true],
    [503, "service_unavailable_error", "upstream_unavailable", 503, true],
    [502, "bad_gateway", "upstream_error", 502, true],
    [504, "gateway_timeout", "upstream_error", 502, true],
    [413, "file_too_large_error", "upstream_rejected", 422, false],
    [418, "teapot", "upstream_bad_request", 502, false],
  ])("%i %s → %s, our %i (retryable %s)", (status, type, code, httpStatus, retryable) => {
    const err = errorFromResponse(status, { message: "upstream words", type, code: "their_code" }, undefined);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.code).toBe(code);
    expect(err.httpStatus).toBe(httpStatus);
    expect(err.retryable).toBe(retryable);
    expect(err.options.upstreamStatus).toBe(status);
    expect(err.options.upstreamCode).toBe("their_code");
  });

  it("401 tells the operator the server's key is wrong", () => {
    expect(errorFromResponse(401, undefined, undefined).message).toMatch(/server's API key.*FOXAPI_API_KEY/);
  });

  it("402 says the account needs credit", () => {
    expect(errorFromResponse(402, { message: "余额不足" }, undefined).message).toMatch(/out of credit/);
  });

  it("422 passes the upstream's message through for the form", () => {
    const err = errorFromResponse(
      422,
      {
        message: " unsupported_advanced_options: seed ",
        type: "invalid_request_error",
        code: "unsupported_advanced_options",
      },
      undefined,
    );
    expect(err.message).toBe("FoxAPI refused the request: unsupported_advanced_options: seed");
    expect(err.options.upstreamCode).toBe("unsupported_advanced_options");
    expect(errorFromResponse(422, undefined, undefined).message).toBe("FoxAPI refused the request.");
  });

  it("413 keeps a file_too_large_error code even when the body has none", () => {
    expect(errorFromResponse(413, undefined, undefined).options.upstreamCode).toBe("file_too_large_error");
  });

  it("429 carries Retry-After", () => {
    expect(errorFromResponse(429, undefined, 5000).options.retryAfterMs).toBe(5000);
  });

  it.each([
    "submit_outcome_unknown",
    "upstream_timeout",
    "upstream_unreachable",
    "upstream_bad_response",
  ] as const)("%s has a status of its own", (code) => {
    const err = new UpstreamError(code, "x");
    expect(err.httpStatus).toBe(code === "submit_outcome_unknown" || code === "upstream_timeout" ? 504 : 502);
    expect(err.retryable).toBe(code !== "submit_outcome_unknown");
    expect(err.name).toBe("UpstreamError");
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);

  it("reads delta-seconds", () => {
    expect(parseRetryAfter("5", now)).toBe(5000);
    expect(parseRetryAfter(" 120 ", now)).toBe(120_000);
    expect(parseRetryAfter("0", now)).toBe(0);
  });

  it("reads an HTTP date", () => {
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter("Thu, 15 Jan 2026 12:01:00 GMT", now)).toBe(60_000);
  });

  it("a date in the past means no wait", () => {
    expect(parseRetryAfter(new Date(now - 60_000).toUTCString(), now)).toBe(0);
  });

  it.each([null, "", "   ", "soon"])("%s is unreadable", (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});
