import { ApiError } from "@/lib/api/errors";
import { withOpenAccess } from "@/lib/api/route";
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, isLocale } from "@/lib/i18n/locales";
import { msg } from "@/lib/i18n/message";

/** Only paths on this site: `next=//evil.example` or `next=https://…` would be an open redirect. */
function safePath(value: unknown): string | null {
  return typeof value === "string" &&
    value.startsWith("/") &&
    !value.startsWith("//") &&
    !value.startsWith("/\\")
    ? value
    : null;
}

/** Where to send the browser back to: `next` if given, else the page it came from (same origin only), else `/`. */
function backTo(request: Request, next: unknown): string {
  const given = safePath(next);
  if (given) return given;
  const referer = request.headers.get("referer");
  if (referer) {
    try {
      const from = new URL(referer);
      const host =
        request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
      if (host && from.host === host) return safePath(`${from.pathname}${from.search}`) ?? "/";
    } catch {
      // not a URL: go home
    }
  }
  return "/";
}

/**
 * POST /api/locale - the Language control: `locale=zh-CN` (and optionally `next=/tasks/…`) as a form post.
 * Remembers the choice in the `NEXT_LOCALE` cookie and sends the browser back (303) to `next`, else the page it
 * came from, now in that language. Open to anyone (the sign-in page has the control too) but same-origin only:
 * another site can't switch it.
 */
export const POST = withOpenAccess(
  async ({ request }) => {
    const type = (request.headers.get("content-type") ?? "").toLowerCase();
    if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/.test(type))
      throw new ApiError(415, "unsupported_media_type", msg("api.sendAsForm"));
    const form = await request.formData().catch(() => null);
    const locale = form?.get("locale");
    if (!isLocale(locale))
      throw new ApiError(422, "invalid_request", msg("api.unknownLocale"), {
        fields: { locale: msg("api.unknownLocale") },
      });
    const cookie = [
      `${LOCALE_COOKIE}=${locale}`,
      "Path=/",
      `Max-Age=${String(LOCALE_COOKIE_MAX_AGE)}`,
      "SameSite=Lax",
    ].join("; ");
    return new Response(null, {
      status: 303,
      headers: { Location: backTo(request, form?.get("next")), "Set-Cookie": cookie },
    });
  },
  { sameOrigin: true },
);
