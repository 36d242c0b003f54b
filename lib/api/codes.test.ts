import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiRequestError } from "../client/api";
import { UpstreamError, type UpstreamErrorCode } from "../foxapi/errors";
import { ERROR_STATUSES, isErrorCode, isStatusOf } from "./codes";
import { ApiError, errorResponse, storedApiError } from "./errors";

describe("the closed union of error codes", () => {
  // errorResponse logs what it can't show; the words are checked by the routes' own suites.
  beforeEach(() => vi.spyOn(console, "error").mockImplementation(() => undefined));
  afterEach(() => vi.restoreAllMocks());

  it("refuses, when type-checked, a code that is not ours or a status its code can't have", () => {
    // @ts-expect-error: not one of our codes
    const unknown = new ApiError(400, "made_up_code", "x");
    // @ts-expect-error: invalid_json is always a 400
    const wrongStatus = new ApiError(404, "invalid_json", "x");
    const allowed = new ApiError(410, "not_found", "This result link has expired.");
    expect([unknown.code, wrongStatus.status, allowed.status]).toEqual(["made_up_code", 404, 410]);
  });

  it("holds every code the upstream mapping produces, with the status it answers", () => {
    const codes: UpstreamErrorCode[] = [
      "upstream_bad_request",
      "upstream_auth_failed",
      "insufficient_credit",
      "task_not_found",
      "upstream_rejected",
      "rate_limited",
      "upstream_error",
      "upstream_unavailable",
      "upstream_timeout",
      "upstream_unreachable",
      "submit_outcome_unknown",
      "upstream_bad_response",
    ];
    for (const code of codes) {
      const err = new UpstreamError(code, "m");
      expect(isErrorCode(code), code).toBe(true);
      expect(isStatusOf(code, err.httpStatus), `${code} → ${String(err.httpStatus)}`).toBe(true);
      expect(errorResponse(err).status).toBe(err.httpStatus);
    }
  });

  it("answers errors that are not ours with the generic 500 code", async () => {
    const res = errorResponse(new Error("secret detail"));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { code: "internal_error", message: "Something went wrong on our side. Try again." },
    });
  });

  it.each([
    [{ status: 402, code: "insufficient_credit", message: "Top up." }, 402, "insufficient_credit", "Top up."],
    [null, 502, "upstream_error", "fallback"],
    [{ status: 402, code: "no_such_code", message: "m" }, 502, "upstream_error", "m"],
    [{ status: 200, code: "insufficient_credit" }, 502, "upstream_error", "fallback"],
    [{ status: "402", code: "insufficient_credit" }, 502, "upstream_error", "fallback"],
  ])("a recorded error %j replays as %d %s only when it is ours", (stored, status, code, message) => {
    const err = storedApiError(stored, "fallback");
    expect([err.status, err.code, err.message]).toEqual([status, code, message]);
  });

  it("reads, in the browser, any code that is not ours as http_error", () => {
    const err = (code: string) => new ApiRequestError(500, code, "m", undefined, undefined).code;
    expect(err("insufficient_credit")).toBe("insufficient_credit");
    expect(err("network")).toBe("network");
    expect(err("http_error")).toBe("http_error");
    expect(err("<html>")).toBe("http_error");
    expect(err("__proto__")).toBe("http_error");
    expect(err("toString")).toBe("http_error");
    expect(Object.keys(ERROR_STATUSES).every(isErrorCode)).toBe(true);
  });
});
