import { z } from "zod";
import { msg } from "../i18n/message";
import { isHttpUrl } from "./media";

export * from "./media";

/** Which URL a message is about: a `select` in the catalogs' `validation.*` words. */
export type UrlWhat = "video" | "image" | "elementFrontal" | "elementReference";

/**
 * A public http(s) URL. The upstream fetches it, so anything else (data:, file:, blob:) could only fail after
 * we had paid for the request. The messages are catalog keys (lib/i18n/message.ts): the form and the API say
 * them in the person's language.
 */
export function httpUrl(what: UrlWhat) {
  return z
    .string({ error: msg("validation.enterUrl", { what }) })
    .trim()
    .min(1, { error: msg("validation.enterUrl", { what }) })
    .max(2048, { error: msg("validation.urlTooLong", { what }) })
    .refine(isHttpUrl, { error: msg("validation.urlScheme", { what }) });
}

export function promptSchema(maxLength: number) {
  return z
    .string({ error: msg("validation.writePrompt") })
    .trim()
    .min(1, { error: msg("validation.promptEmpty") })
    .max(maxLength, {
      error: (issue) =>
        msg("validation.promptTooLong", {
          length: String((issue.input as string).length),
          max: String(maxLength),
        }),
    });
}

/** A value the form sends as `""` or `null` when the user left it empty. */
export const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);
