import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ApiError } from "../api/errors";
import { type AccessOptions, type Caller, callerFromHeaders } from "../api/guards";

/**
 * For pages: the caller, or a redirect to /sign-in (then back to `path`) when nobody is signed in. With
 * `{ role: "admin" }` a signed-in member is sent back to the studio (the page's API routes answer them 403); in
 * modes without accounts such a page is not there either, so the same. Tokens never open a page.
 */
export async function requirePageCaller(
  path: string,
  options: Pick<AccessOptions, "role"> = {},
): Promise<Caller> {
  const h = await headers();
  // Only the cookie and Host count: an Authorization header on a page request is not a way in.
  const only = new Headers();
  for (const name of ["cookie", "host"]) {
    const value = h.get(name);
    if (value) only.set(name, value);
  }
  let caller: Caller | null;
  try {
    caller = await callerFromHeaders(only, options);
  } catch (err) {
    if (err instanceof ApiError && (err.code === "admin_only" || err.code === "accounts_off")) redirect("/");
    throw err;
  }
  if (caller === null) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return caller;
}

/** For pages: send a visitor without a live session to the sign-in page, then back to `path`. */
export async function requirePageSession(path: string): Promise<string> {
  return (await requirePageCaller(path)).sessionId;
}
