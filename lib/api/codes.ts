/**
 * Every error code our API answers with (`{ error: { code, message, fields?, upstreamCode? } }`), and the statuses
 * each may come with. Shared by the server (an `ApiError` with a code or status not listed here does not compile)
 * and the browser (an answer whose code is not listed is read as `http_error`). No `server-only`: the browser
 * imports it. Adding a code means adding a line here.
 */
export const ERROR_STATUSES = {
  // The request itself
  invalid_json: [400],
  invalid_cursor: [400],
  invalid_filter: [400],
  invalid_idempotency_key: [400],
  invalid_multipart: [400],
  no_file: [400],
  empty_file: [400],
  upload_interrupted: [400],
  unsupported_media_type: [415],
  unsupported_file_type: [415],
  body_too_large: [413],
  file_too_large: [413],
  invalid_request: [422],
  invalid_media: [422],
  idempotency_key_reused: [422],
  submit_in_progress: [409],

  // Access
  sign_in_required: [401],
  wrong_passcode: [401],
  wrong_secret: [401],
  no_passcode: [404],
  cross_site_request: [403],
  too_many_attempts: [429],
  // Team accounts (issue 12)
  wrong_credentials: [401],
  admin_only: [403],
  token_not_allowed: [403],
  invalid_token: [401],
  accounts_off: [404],
  last_admin: [409],
  cannot_remove_self: [409],
  already_on_team: [409],
  invite_unusable: [410],

  // Limits
  rate_limited: [429],
  daily_limit_reached: [429],

  // Things that are not (or no longer) there. A simulator link past its expiry keeps `not_found` with 410.
  not_found: [404, 410],
  task_not_found: [404],
  no_result: [404],
  expired: [410],

  // FoxAPI, as lib/foxapi/errors.ts maps it (shared/foxapi-contract.md §3)
  upstream_bad_request: [502],
  upstream_auth_failed: [502],
  insufficient_credit: [402],
  upstream_rejected: [422],
  upstream_error: [502],
  upstream_unavailable: [503],
  upstream_timeout: [504],
  upstream_unreachable: [502],
  upstream_bad_response: [502],
  submit_outcome_unknown: [504],
  upstream_file_too_large: [413],
  upstream_connection_dropped: [502],
  upload_timeout: [504],

  // Ours
  server_misconfigured: [500],
  internal_error: [500],
} as const satisfies Record<string, readonly [number, ...number[]]>;

export type ErrorCode = keyof typeof ERROR_STATUSES;

/** The statuses an answer with this code may have. */
export type ErrorStatus<C extends ErrorCode> = (typeof ERROR_STATUSES)[C][number];

/** Codes only the browser makes: the server could not be reached, or answered without one of our codes. */
export type ClientErrorCode = ErrorCode | "network" | "http_error";

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_STATUSES, value);
}

/** Whether `status` is one this code may come with. */
export function isStatusOf<C extends ErrorCode>(code: C, status: number): status is ErrorStatus<C> {
  return (ERROR_STATUSES[code] as readonly number[]).includes(status);
}

/** The one error body every API answer uses. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: Record<string, string>; upstreamCode?: string };
}
