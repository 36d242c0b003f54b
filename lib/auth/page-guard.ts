import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { sessionFromCookieHeader } from "../api/guards";
import { SESSION_COOKIE } from "./session";

/** For pages: send a visitor without a live session to the sign-in page, then back to `path`. */
export async function requirePageSession(path: string): Promise<string> {
  const jar = await cookies();
  const value = jar.get(SESSION_COOKIE)?.value;
  const id = await sessionFromCookieHeader(value ? `${SESSION_COOKIE}=${encodeURIComponent(value)}` : null);
  if (id === null) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return id;
}
