import "server-only";
import { errorResponse } from "./errors";
import { type AccessOptions, type Caller, checkAccess, checkContentType, checkSameOrigin } from "./guards";

/**
 * The one wrapper for route handlers (dub's `withWorkspace`): the access check, the same-origin and content-type
 * checks for requests that change state, `Cache-Control: no-store` unless the handler chose a policy (a file it
 * serves), and the error mapping. A handler body says only what is particular to it, and throws `ApiError` for
 * the rest.
 */
export interface RouteOptions extends AccessOptions {
  /** A request that changes state: refused from other sites (see `checkSameOrigin`). */
  sameOrigin?: boolean;
  /** The only body type accepted (415 otherwise); implies nothing about the origin. */
  accepts?: "json" | "multipart";
  /** Headers every answer of this route carries, errors included. */
  headers?: Record<string, string>;
}

type Segment<P> = { params: Promise<P> };
type NoParams = Record<string, never>;

/** What Next calls: `(request, { params })`. Tests may leave the second argument out for routes without one. */
export type RouteHandler<P> = (request: Request, segment?: Segment<P>) => Promise<Response>;

export interface RouteContext<P> {
  request: Request;
  params: P;
}

/**
 * A route only a signed-in caller may use (when sign-in is configured): access is checked here, first. Options:
 * `role: "admin"` for admin-only routes (accounts mode), `tokens: true` where personal API tokens are accepted.
 */
export function withAccess<P = NoParams>(
  handler: (ctx: RouteContext<P> & { caller: Caller }) => Response | Promise<Response>,
  options: RouteOptions = {},
): RouteHandler<P> {
  return wrap(async (request, params) => {
    const caller = await checkAccess(request, { role: options.role, tokens: options.tokens });
    checkRequest(request, options);
    return handler({ request, params, caller });
  }, options);
}

/**
 * A route anyone may call: signing in itself, and the simulator's stand-ins for FoxAPI's public upload links.
 * Everything else the wrapper does still applies.
 */
export function withOpenAccess<P = NoParams>(
  handler: (ctx: RouteContext<P>) => Response | Promise<Response>,
  options: RouteOptions = {},
): RouteHandler<P> {
  return wrap(async (request, params) => {
    checkRequest(request, options);
    return handler({ request, params });
  }, options);
}

function checkRequest(request: Request, options: RouteOptions) {
  if (options.sameOrigin) checkSameOrigin(request);
  if (options.accepts) checkContentType(request, options.accepts);
}

function wrap<P>(
  run: (request: Request, params: P) => Promise<Response>,
  options: RouteOptions,
): RouteHandler<P> {
  return async (request, segment) => {
    let res: Response;
    try {
      res = await run(request, segment ? await segment.params : ({} as P));
    } catch (err) {
      res = errorResponse(err, request);
    }
    return finish(res, options.headers);
  };
}

/** Status answers are never cached; a handler that serves a file sets its own policy. */
function finish(res: Response, extra: Record<string, string> = {}): Response {
  const missing = !res.headers.has("cache-control");
  if (!missing && Object.keys(extra).length === 0) return res;
  const set = (headers: Headers) => {
    if (missing) headers.set("Cache-Control", "no-store");
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  };
  try {
    set(res.headers);
    return res;
  } catch {
    // `Response.redirect` and friends have immutable headers: answer a copy.
    const copy = new Response(res.body, res);
    set(copy.headers);
    return copy;
  }
}
