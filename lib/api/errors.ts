import "server-only";
import { NextResponse } from "next/server";
import { ConfigError } from "../env";
import { UpstreamError } from "../foxapi/errors";
import { type Locale, requestLocale } from "../i18n/locales";
import { decodeMsg, say } from "../i18n/message";
import { hasMessage, translatorFor } from "../i18n/server";
import { type ErrorBody, type ErrorCode, type ErrorStatus, isErrorCode, isStatusOf } from "./codes";

/**
 * An error our API answers with: `{ error: { code, message, fields? } }`. The code is one of the closed union in
 * `codes.ts`, and the status one that code may have; both are checked when this compiles.
 */
export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  override name = "ApiError";
  constructor(
    readonly status: ErrorStatus<C>,
    readonly code: C,
    message: string,
    readonly extra: { fields?: Record<string, string>; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
}

/**
 * An error recorded earlier (an idempotent replay reads it back from the store): its code and status are used
 * only if they are ours, otherwise the answer is the generic upstream error.
 */
export function storedApiError(
  stored: { status?: unknown; code?: unknown; message?: unknown } | null | undefined,
  fallbackMessage: string,
): ApiError {
  const message = typeof stored?.message === "string" ? stored.message : fallbackMessage;
  const code = stored?.code;
  const status = stored?.status;
  if (isErrorCode(code) && typeof status === "number" && isStatusOf(code, status))
    return new ApiError(status, code, message);
  return new ApiError(502, "upstream_error", message);
}

export type { ErrorBody, ErrorCode } from "./codes";

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * An error's words in the request's language (its cookie, else `Accept-Language`); the code never changes. A
 * message thrown as a catalog key (`msg(…)`) is translated; a plain one is kept, except that a language other
 * than English says the code's own words (`api.codes.*`) when it has them rather than show English.
 */
function wordsFor(locale: Locale, code: string, message: string): string {
  const t = translatorFor(locale);
  if (decodeMsg(message)) return say(t, message);
  if (locale !== "en" && hasMessage(locale, `api.codes.${code}`)) return t(`api.codes.${code}`);
  return message;
}

/**
 * The one place errors become responses. Known errors keep their words (in the request's language); anything
 * else is logged on the server and answered with a generic 500: no stack traces, no upstream headers, never the
 * key.
 */
export function errorResponse(err: unknown, request: Request | null = null): NextResponse<ErrorBody> {
  const locale = request ? requestLocale(request) : "en";
  const t = translatorFor(locale);
  if (err instanceof ApiError) {
    const headers: Record<string, string> = { ...NO_STORE };
    if (err.extra.retryAfterSeconds !== undefined)
      headers["Retry-After"] = String(err.extra.retryAfterSeconds);
    return NextResponse.json(
      {
        error: {
          code: err.code,
          message: wordsFor(locale, err.code, err.message),
          ...(err.extra.fields
            ? {
                fields: Object.fromEntries(Object.entries(err.extra.fields).map(([k, v]) => [k, say(t, v)])),
              }
            : {}),
        },
      },
      { status: err.status, headers },
    );
  }
  if (err instanceof UpstreamError) {
    if (
      err.code === "upstream_bad_request" ||
      err.code === "upstream_auth_failed" ||
      err.code === "upstream_bad_response"
    )
      console.error(`[foxapi] ${err.code} (upstream status ${String(err.options.upstreamStatus ?? "none")})`);
    const headers: Record<string, string> = { ...NO_STORE };
    if (err.options.retryAfterMs !== undefined)
      headers["Retry-After"] = String(Math.max(1, Math.ceil(err.options.retryAfterMs / 1000)));
    return NextResponse.json(
      {
        error: {
          code: err.code,
          message: wordsFor(locale, err.code, err.message),
          ...(err.options.upstreamCode ? { upstreamCode: err.options.upstreamCode } : {}),
        },
      },
      { status: err.httpStatus, headers },
    );
  }
  if (err instanceof ConfigError) {
    console.error(err.message);
    return NextResponse.json(
      {
        error: {
          code: "server_misconfigured",
          message: t("api.codes.server_misconfigured"),
        },
      },
      { status: 500, headers: NO_STORE },
    );
  }
  console.error("[api] unexpected error:", err instanceof Error ? err.name : typeof err);
  return NextResponse.json(
    { error: { code: "internal_error", message: t("api.codes.internal_error") } },
    { status: 500, headers: NO_STORE },
  );
}

/** Reads a JSON request body with a size cap, answering 415/413/400 in words. */
export async function readJson(request: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type))
    throw new ApiError(415, "unsupported_media_type", "Send the request as application/json.");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new ApiError(413, "body_too_large", "The request body is too large.");
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes)
    throw new ApiError(413, "body_too_large", "The request body is too large.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
  }
}
