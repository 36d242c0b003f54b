import { z } from "zod";
import { isHttpUrl } from "./media";

export * from "./media";

/**
 * A public http(s) URL. The upstream fetches it, so anything else (data:, file:, blob:) could only fail after
 * we had paid for the request.
 */
export function httpUrl(what: string) {
  return z
    .string({ error: `Enter the ${what} URL.` })
    .trim()
    .min(1, { error: `Enter the ${what} URL.` })
    .max(2048, { error: `The ${what} URL is longer than 2048 characters.` })
    .refine(isHttpUrl, { error: `The ${what} URL must start with http:// or https://.` });
}

export function promptSchema(maxLength: number) {
  return z
    .string({ error: "Write a prompt." })
    .trim()
    .min(1, { error: "Write a prompt that describes the change." })
    .max(maxLength, {
      error: (issue) =>
        `The prompt is ${String((issue.input as string).length)} characters; the limit is ${String(maxLength)}.`,
    });
}

/** A value the form sends as `""` or `null` when the user left it empty. */
export const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);
